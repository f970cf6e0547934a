import { Construct, k8s } from './cdk8s.js';

export interface VolumeClaimProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Default `1Gi`. */
  readonly size?: string;
  /** Default `ReadWriteOnce`. */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany' | 'ReadWriteOncePod';
  /** Default: the cluster's default storage class. */
  readonly storageClass?: string;
  /** Labels the bound volume must carry; none by default (any volume, or a new one, will do). */
  readonly selector?: Readonly<Record<string, string>>;
}

/** A PersistentVolumeClaim for a compose named volume. */
export class VolumeClaim extends Construct {
  constructor(scope: Construct, id: string, props: VolumeClaimProps) {
    super(scope, id);
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        accessModes: [props.accessMode ?? 'ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(props.size ?? '1Gi') } },
        ...(props.storageClass ? { storageClassName: props.storageClass } : {}),
        ...(props.selector ? { selector: { matchLabels: { ...props.selector } } } : {}),
      },
    });
  }
}
