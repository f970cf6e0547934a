import { Construct, k8s } from './cdk8s.js';

export interface FileSetProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** File name → content. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Secrets hold credentials and are never written into a ConfigMap. */
  readonly secret: boolean;
}

/** A compose config (ConfigMap) or secret (Secret); binary content goes to `binaryData`. */
export class FileSet extends Construct {
  constructor(scope: Construct, id: string, props: FileSetProps) {
    super(scope, id);
    const metadata = { name: props.name, labels: { ...props.labels } };
    if (props.secret) {
      const data = Object.fromEntries([...props.files].map(([k, v]) => [k, v.toString('base64')]));
      new k8s.KubeSecret(this, 'Resource', { metadata, type: 'Opaque', data });
      return;
    }
    const text: Record<string, string> = {};
    const binary: Record<string, string> = {};
    for (const [k, v] of props.files) {
      const s = v.toString('utf8');
      if (Buffer.from(s, 'utf8').equals(v)) text[k] = s;
      else binary[k] = v.toString('base64');
    }
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata,
      ...(Object.keys(text).length > 0 ? { data: text } : {}),
      ...(Object.keys(binary).length > 0 ? { binaryData: binary } : {}),
    });
  }
}
