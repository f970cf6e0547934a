import type { Kube } from '../executor/systems.js';
import type { KubeObject } from '../executor/kube-client.js';
import { millicores, quantityBytes } from '../quantities.js';
import type { Topology, TopologyNode } from './topology.js';

/** Taint effects that keep new pods off a node (NoExecute evicts them as well). */
const BLOCKING = new Set(['NoSchedule', 'NoExecute']);

/**
 * The cluster's nodes with what new pods may still take of each: the allocatable CPU and memory
 * less the requests of the pods bound there that have not finished. Cordoned nodes and nodes
 * with a NoSchedule or NoExecute taint are kept, marked with the reason, so that a plan can say
 * which were left out. Throws a ClusterError when the cluster cannot be read.
 */
export async function clusterTopology(kube: Kube): Promise<Topology> {
  const nodes = (await kube.client.request<{ items: KubeObject[] }>({ method: 'GET', path: '/api/v1/nodes' })).body.items;
  const pods = (
    await kube.client.request<{ items: KubeObject[] }>({
      method: 'GET',
      path: '/api/v1/pods',
      query: { fieldSelector: 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed' },
    })
  ).body.items;
  const taken = new Map<string, { cpu: number; memory: number }>();
  for (const pod of pods) {
    const on = pod['spec']?.nodeName as string | undefined;
    if (!on) continue;
    const asked = podRequests(pod);
    const sum = taken.get(on) ?? { cpu: 0, memory: 0 };
    taken.set(on, { cpu: sum.cpu + asked.cpu, memory: sum.memory + asked.memory });
  }
  return { source: 'cluster', nodes: nodes.map((n) => clusterNode(n, taken.get(n.metadata.name) ?? { cpu: 0, memory: 0 })) };
}

function clusterNode(node: KubeObject, taken: { cpu: number; memory: number }): TopologyNode {
  const allocatable = node['status']?.allocatable ?? {};
  const why = unschedulable(node);
  return {
    name: node.metadata.name,
    cpuMillis: Math.max(0, (millicores(allocatable.cpu ?? '0') ?? 0) - taken.cpu),
    memoryBytes: Math.max(0, (quantityBytes(allocatable.memory ?? '0') ?? 0) - taken.memory),
    labels: node.metadata.labels ?? {},
    ...(why ? { unschedulable: why } : {}),
  };
}

/** Why the scheduler puts no new pod on the node, if it does not. */
function unschedulable(node: KubeObject): string | undefined {
  if (node['spec']?.unschedulable) return 'cordoned';
  const taint = ((node['spec']?.taints ?? []) as { key: string; value?: string; effect: string }[]).find((t) => BLOCKING.has(t.effect));
  return taint && `taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

interface Container {
  resources?: { requests?: Record<string, string> };
  restartPolicy?: string;
}

/**
 * What a pod takes from its node, as the scheduler counts it: its containers and sidecars
 * together, or its largest init container if that asks for more, plus the pod's overhead.
 */
export function podRequests(pod: KubeObject): { cpu: number; memory: number } {
  const spec = pod['spec'] ?? {};
  const of = (c: Container) => ({ cpu: millicores(c.resources?.requests?.['cpu'] ?? '0') ?? 0, memory: quantityBytes(c.resources?.requests?.['memory'] ?? '0') ?? 0 });
  const add = (a: { cpu: number; memory: number }, b: { cpu: number; memory: number }) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
  const inits = (spec.initContainers ?? []) as Container[];
  // Sidecars (init containers that keep running) run beside the containers and the init containers after them.
  let sidecars = { cpu: 0, memory: 0 };
  let initPeak = { cpu: 0, memory: 0 };
  for (const c of inits) {
    if (c.restartPolicy === 'Always') {
      sidecars = add(sidecars, of(c));
      continue;
    }
    const during = add(sidecars, of(c));
    initPeak = { cpu: Math.max(initPeak.cpu, during.cpu), memory: Math.max(initPeak.memory, during.memory) };
  }
  const running = ((spec.containers ?? []) as Container[]).reduce((sum, c) => add(sum, of(c)), sidecars);
  const overhead = of({ resources: { requests: spec.overhead ?? {} } });
  return add({ cpu: Math.max(running.cpu, initPeak.cpu), memory: Math.max(running.memory, initPeak.memory) }, overhead);
}
