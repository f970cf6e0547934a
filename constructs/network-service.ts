import { Construct, k8s } from './cdk8s.js';

export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Only for NodePort and LoadBalancer; default: the cluster picks one. */
  readonly nodePort?: number;
}

export interface NetworkServiceProps {
  /** The compose service name, so compose DNS names keep resolving. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  /** Each port is served on the container's own port number. */
  readonly ports: readonly ServicePortSpec[];
  /** Default ClusterIP; Headless is a ClusterIP Service without a cluster IP. */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'Headless';
  /** Annotations on the Service; none by default. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** NodePort and LoadBalancer only: `Local` keeps traffic from outside on the node it reached; default Kubernetes' `Cluster`. */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
}

/** A Service in front of a compose service's pods. */
export class NetworkService extends Construct {
  constructor(scope: Construct, id: string, props: NetworkServiceProps) {
    super(scope, id);
    new k8s.KubeService(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels }, ...(props.annotations ? { annotations: { ...props.annotations } } : {}) },
      spec: {
        type: props.type === 'Headless' ? 'ClusterIP' : (props.type ?? 'ClusterIP'),
        ...(props.type === 'Headless' ? { clusterIp: 'None' } : {}),
        ...(props.externalTrafficPolicy ? { externalTrafficPolicy: props.externalTrafficPolicy } : {}),
        selector: { ...props.selector },
        // A headless Service may have no ports: its name then resolves to the pods, on any port.
        ...(props.ports.length > 0
          ? {
              ports: props.ports.map((p) => ({
                name: p.name,
                port: p.port,
                targetPort: k8s.IntOrString.fromNumber(p.port),
                protocol: p.protocol,
                ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
              })),
            }
          : {}),
      },
    });
  }
}
