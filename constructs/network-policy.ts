import { Construct, k8s } from './cdk8s.js';

/** A port on the pods, with its protocol. */
export interface PolicyPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** Pods of one namespace carrying `labels` and at least one of the `anyOf` labels set to "true" (any pod with `labels` when none is given). */
export interface PeerPods {
  readonly labels: Readonly<Record<string, string>>;
  readonly anyOf: readonly string[];
}

/** Address ranges that may connect to some ports (to every port when none is given). */
export interface ClientRanges {
  readonly cidrs: readonly string[];
  readonly ports: readonly PolicyPort[];
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
  /** Sources outside the cluster's pods that may connect. */
  readonly clients?: ClientRanges;
}

/**
 * A NetworkPolicy that confines incoming connections of some pods to peers and open ports.
 * Only `Ingress` is in `policyTypes`: outgoing traffic stays as the cluster has it.
 */
export class IngressPolicy extends Construct {
  constructor(scope: Construct, id: string, props: IngressPolicyProps) {
    super(scope, id);
    // One peer per label, so the policy grows with the labels, not with the pods that carry them.
    const peerLabels = props.peers.anyOf.length > 0 ? props.peers.anyOf.map((key) => ({ ...props.peers.labels, [key]: 'true' })) : [props.peers.labels];
    const peers = peerLabels.map((matchLabels) => ({ podSelector: { matchLabels } }));
    const open = props.openPorts ?? [];
    const clients = props.clients;
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec: {
        podSelector: { matchLabels: { ...props.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: peers },
          // A rule without `from` admits every source, inside the cluster or not.
          ...(open.length > 0 ? [{ ports: policyPorts(open) }] : []),
          ...(clients ? [{ from: clients.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ...(clients.ports.length > 0 ? { ports: policyPorts(clients.ports) } : {}) }] : []),
        ],
      },
    });
  }
}

const policyPorts = (ports: readonly PolicyPort[]) => ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
