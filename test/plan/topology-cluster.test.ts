import { describe, expect, it } from 'vitest';
import type { KubeRequest } from '../../src/executor/kube-client.js';
import type { Kube } from '../../src/executor/systems.js';
import { clusterTopology, podRequests } from '../../src/plan/topology-cluster.js';

const pod = (spec: object) => ({ metadata: { name: 'p' }, spec });
const asks = (cpu: string, memory: string, more: object = {}) => ({ resources: { requests: { cpu, memory } }, ...more });

/** A Kube whose API server answers GETs from `objects` by path, and records the queries. */
function fakeKube(objects: Record<string, object[]>, queries: unknown[] = []): Kube {
  const client = {
    request: async (req: KubeRequest) => {
      queries.push({ path: req.path, ...req.query });
      return { status: 200, body: { items: objects[req.path] ?? [] } };
    },
  };
  return { client, mapper: undefined, defaultNamespace: 'default' } as unknown as Kube;
}

const node = (name: string, spec: object = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec, status: { allocatable: { cpu: '3920m', memory: '16318056Ki', pods: '110' } } });

describe('the cluster topology', () => {
  it('is each node\'s allocatable less what the pods bound there request; cordoned and tainted nodes are marked', async () => {
    const queries: unknown[] = [];
    const kube = fakeKube({
      '/api/v1/nodes': [
        node('a'),
        node('b', { unschedulable: true }),
        node('c', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
        node('d', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }, { key: 'soft', effect: 'PreferNoSchedule' }] }),
        node('e', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }),
      ],
      '/api/v1/pods': [
        { ...pod({ nodeName: 'a', containers: [asks('500m', '1Gi'), asks('250m', '512Mi')] }) },
        { ...pod({ nodeName: 'a', containers: [{ name: 'no-requests' }] }) },
        { ...pod({ nodeName: 'e', containers: [asks('3', '16Gi')] }) },
      ],
    }, queries);
    const topology = await clusterTopology(kube);
    expect(queries).toEqual([
      { path: '/api/v1/nodes' },
      { path: '/api/v1/pods', fieldSelector: 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed' },
    ]);
    expect(topology.nodes.map((n) => [n.name, n.cpuMillis, n.memoryBytes, n.unschedulable])).toEqual([
      ['a', 3170, 16318056 * 1024 - 1.5 * 2 ** 30, undefined],
      ['b', 3920, 16318056 * 1024, 'cordoned'],
      ['c', 3920, 16318056 * 1024, 'taint node-role.kubernetes.io/control-plane:NoSchedule'],
      ['d', 3920, 16318056 * 1024, 'taint dedicated=gpu:NoExecute'],
      // Overcommitted by requests: nothing left, not less than nothing.
      ['e', 920, 0, undefined],
    ]);
    expect(topology.nodes[0]!.labels).toEqual({ 'kubernetes.io/hostname': 'a' });
  });
});

describe('what a pod requests of its node', () => {
  it('is its containers together, or its largest init container, plus overhead', () => {
    expect(podRequests(pod({ containers: [asks('100m', '100Mi'), asks('200m', '50Mi')] }))).toEqual({ cpu: 300, memory: 150 * 2 ** 20 });
    expect(podRequests(pod({ initContainers: [asks('2', '10Mi'), asks('500m', '1Gi')], containers: [asks('1', '100Mi')] }))).toEqual({ cpu: 2000, memory: 2 ** 30 });
    expect(podRequests(pod({ containers: [asks('1', '1Gi')], overhead: { cpu: '250m', memory: '120Mi' } }))).toEqual({ cpu: 1250, memory: 2 ** 30 + 120 * 2 ** 20 });
    expect(podRequests(pod({}))).toEqual({ cpu: 0, memory: 0 });
  });

  it('counts sidecars beside the containers and the init containers after them', () => {
    const spec = {
      initContainers: [asks('1', '1Gi'), asks('500m', '256Mi', { restartPolicy: 'Always' }), asks('1', '1Gi')],
      containers: [asks('250m', '256Mi')],
    };
    // Running: 500m + 250m; the second init container: 500m + 1.
    expect(podRequests(pod(spec))).toEqual({ cpu: 1500, memory: 1.25 * 2 ** 30 });
  });
});
