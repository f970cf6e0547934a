import { writeFileSync } from 'node:fs';

/** Annotation (key and value) that marks a Node as simulated by this harness's kwok. */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

/** Resources every simulated node offers. */
export const NODE_RESOURCES = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' } as const;

// No Stage documents are configured: kwok then uses its built-in "fast" stages, which is what
// the tests need — nodes become Ready and keep heartbeating (with Leases), pods on them become
// Running and Ready at once, Job pods complete, and pods with a deletionTimestamp lose their
// finalizers and are deleted (the kubelet's part of graceful deletion).

/** Writes kwok's configuration file to `configFile` and returns the command-line arguments for kwok. */
export function kwokArgs(kubeconfig: string, configFile: string): string[] {
  // An explicit --config also keeps a developer's ~/.kwok/kwok.yaml out of the tests.
  writeFileSync(
    configFile,
    [
      'apiVersion: config.kwok.x-k8s.io/v1alpha1',
      'kind: KwokConfiguration',
      'options:',
      // Pod IPs are handed out from here; the default /24 allows only 254 pods.
      '  cidr: 10.244.0.0/16',
      // Node InternalIP and pod hostIP: nothing listens there, but it stays on loopback.
      '  nodeIP: 127.0.0.1',
      '',
    ].join('\n'),
  );
  return [
    '--config', configFile,
    '--kubeconfig', kubeconfig,
    '--manage-all-nodes=false',
    // Renew a Lease per node, as kubelets do. Without one, the node controller sees no heartbeat
    // between kwok's status updates (~50s apart, the default grace period), marks the nodes
    // NotReady for a moment and every pod on them NotReady for good.
    '--node-lease-duration-seconds=40',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
  ];
}

/** What one simulated node offers instead of NODE_RESOURCES, resource by resource. */
export type NodeSize = Partial<Record<keyof typeof NODE_RESOURCES, string>>;

/** A Node object that kwok will manage; it has no taints, so ordinary workloads schedule onto it. */
export function fakeNode(name: string, kubeletVersion: string, size: NodeSize = {}): object {
  const resources = { ...NODE_RESOURCES, ...size };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    spec: {},
    // Kept on create (a kubelet registers its node the same way); kwok's stages fill in the rest.
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: { kubeletVersion },
    },
  };
}

/** True when the Node reports Ready and carries no not-ready/unreachable taint that would block scheduling. */
export function nodeIsReady(node: any): boolean {
  const ready = (node?.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
  const blocked = (node?.spec?.taints ?? []).some((t: any) =>
    ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].includes(t.key),
  );
  return ready && !blocked;
}
