import { Construct, k8s } from './cdk8s.js';

/** A port on the pods, with its protocol. */
export interface PolicyPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** Pods of one namespace carrying `labels` and at least one of the `anyOf` labels set to "true". */
export interface PeerPods {
  readonly labels: Readonly<Record<string, string>>;
  readonly anyOf: readonly string[];
}

export interface IngressPolicyProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The pods the policy confines. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Pods that may connect on every port. */
  readonly peers: PeerPods;
  /** Ports any source may connect to; none by default. */
  readonly openPorts?: readonly PolicyPort[];
}

/**
 * A NetworkPolicy that confines incoming connections of some pods to peers and open ports.
 * Only `Ingress` is in `policyTypes`: outgoing traffic stays as the cluster has it.
 */
export class IngressPolicy extends Construct {
  constructor(scope: Construct, id: string, props: IngressPolicyProps) {
    super(scope, id);
    // One peer per label, so the policy grows with the labels, not with the pods that carry them.
    const peers = props.peers.anyOf.map((key) => ({ podSelector: { matchLabels: { ...props.peers.labels, [key]: 'true' } } }));
    const open = props.openPorts ?? [];
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: peers },
          // A rule without `from` admits every source, inside the cluster or not.
          ...(open.length > 0 ? [{ ports: open.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })) }] : []),
        ],
      },
    });
  }
}
