import { Construct, k8s } from './cdk8s.js';

export interface ServiceIngressProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** One rule each: a host (none: any host) and a path prefix starting with `/`. */
  readonly rules: readonly { readonly host?: string; readonly path: string }[];
  /** The Service and port every rule routes to. */
  readonly service: string;
  readonly port: number;
  /** TLS for the rules' hosts: with the certificate of this Secret, or `true` for the controller's default certificate; none by default. */
  readonly tls?: string | true;
  /** The IngressClass; default: the cluster's default class. */
  readonly className?: string;
}

/** An Ingress routing hosts and path prefixes to one port of a Service, the requests unchanged. */
export class ServiceIngress extends Construct {
  constructor(scope: Construct, id: string, props: ServiceIngressProps) {
    super(scope, id);
    const backend = { service: { name: props.service, port: { number: props.port } } };
    const hosts = [...new Set(props.rules.flatMap((r) => (r.host ? [r.host] : [])))];
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        ...(props.className ? { ingressClassName: props.className } : {}),
        rules: props.rules.map((r) => ({
          ...(r.host ? { host: r.host } : {}),
          http: { paths: [{ path: r.path, pathType: 'Prefix', backend }] },
        })),
        ...(props.tls ? { tls: [{ ...(hosts.length > 0 ? { hosts } : {}), ...(props.tls !== true ? { secretName: props.tls } : {}) }] } : {}),
      },
    });
  }
}
