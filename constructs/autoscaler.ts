import { Construct, k8s } from './cdk8s.js';

export interface AutoscalerProps {
  /** Object name; the workload's, as each workload has at most one autoscaler. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The workload it scales. */
  readonly target: { readonly kind: 'Deployment' | 'StatefulSet'; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average utilization to keep, in percent of the pods' requests; a resource left out is not measured. */
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) of one workload, on CPU and memory utilization; no behaviour defaults are set. */
export class Autoscaler extends Construct {
  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    const metric = (name: string, averageUtilization: number | undefined) =>
      averageUtilization === undefined ? [] : [{ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } }];
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: props.target.kind, name: props.target.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [...metric('cpu', props.cpuUtilization), ...metric('memory', props.memoryUtilization)],
      },
    });
  }
}
