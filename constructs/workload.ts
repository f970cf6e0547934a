import { Construct, type K8s, k8s } from './cdk8s.js';

/** The controller a compose service runs under. */
export type WorkloadKind =
  /** `replicas` undefined: an autoscaler owns the count, so applying the manifest again does not reset it. */
  | { readonly type: 'Deployment'; readonly replicas?: number; readonly recreate: boolean }
  /** `parallel`: pods start and stop together rather than one after the other (default: in order). */
  | { readonly type: 'StatefulSet'; readonly replicas?: number; readonly serviceName: string; readonly parallel?: boolean }
  | { readonly type: 'DaemonSet' }
  | { readonly type: 'Job'; readonly backoffLimit: number }
  /** A Job started on `schedule`; `concurrencyPolicy` absent: Kubernetes' default, Allow. */
  | { readonly type: 'CronJob'; readonly schedule: string; readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace'; readonly backoffLimit: number };

export interface WorkloadProps {
  /** Object name; also the name other objects use to find it. */
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Labels on the object and its pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** The subset of `labels` that selects the pods; immutable once applied. */
  readonly selector: Readonly<Record<string, string>>;
  /** Annotations on the object and its pods; none by default. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Annotations on the pods alone (a change rolls them out). */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Labels on the pods alone, beyond `labels`. */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podSpec: K8s.PodSpec;
}

/**
 * One compose service's controller, written through the L1 classes with every field set by
 * the caller: no replica, probe or pull-policy defaults are injected.
 */
export class Workload extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const nonEmpty = (a: Readonly<Record<string, string>>) => (Object.keys(a).length > 0 ? { ...a } : undefined);
    const annotations = nonEmpty(props.annotations ?? {});
    const metadata = { name: props.name, labels: { ...props.labels }, annotations };
    const template = { metadata: { labels: { ...props.labels, ...props.podLabels }, annotations: nonEmpty({ ...props.annotations, ...props.podAnnotations }) }, spec: props.podSpec };
    const selector = { matchLabels: { ...props.selector } };
    const kind = props.kind;
    switch (kind.type) {
      case 'Deployment':
        new k8s.KubeDeployment(this, 'Resource', {
          metadata,
          spec: { replicas: kind.replicas, selector, template, ...(kind.recreate ? { strategy: { type: 'Recreate' } } : {}) },
        });
        break;
      case 'StatefulSet':
        new k8s.KubeStatefulSet(this, 'Resource', {
          metadata,
          spec: { replicas: kind.replicas, serviceName: kind.serviceName, ...(kind.parallel ? { podManagementPolicy: 'Parallel' } : {}), selector, template },
        });
        break;
      case 'DaemonSet':
        new k8s.KubeDaemonSet(this, 'Resource', { metadata, spec: { selector, template } });
        break;
      case 'Job':
        new k8s.KubeJob(this, 'Resource', { metadata, spec: { backoffLimit: kind.backoffLimit, template } });
        break;
      case 'CronJob':
        // The Job template carries the labels too, so that the Jobs a schedule starts belong to the system.
        new k8s.KubeCronJob(this, 'Resource', {
          metadata,
          spec: {
            schedule: kind.schedule,
            ...(kind.concurrencyPolicy ? { concurrencyPolicy: kind.concurrencyPolicy } : {}),
            jobTemplate: { metadata: { labels: { ...props.labels } }, spec: { backoffLimit: kind.backoffLimit, template } },
          },
        });
        break;
    }
  }
}
