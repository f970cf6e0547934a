import { describe, expect, it } from 'vitest';
import { waitFor } from '../cluster/processes.js';
import { composeProject, list, useCluster } from '../executor/cluster-fixture.js';

// kwok-node-0 and -1 take shards; -2 is cordoned and -3 tainted, so both are left out.
const c = useCluster({ nodes: 4, nodeSizes: [{ cpu: '4', memory: '8Gi' }, { cpu: '3500m', memory: '16Gi' }, { cpu: '2', memory: '4Gi' }, { cpu: '2', memory: '4Gi' }] });

const SHARDED = `
services:
  index:
    image: example/search-index:2.1
    x-tycho:
      shards: {granularity: core, cpus_per_shard: 1, memory_per_shard: 1g}
  frontend:
    image: example/search-frontend:2.1
    x-tycho:
      shards: {granularity: node, memory_per_shard: 512m}
`;

describe('tychoc plan --cluster', () => {
  it('plans on what the schedulable nodes have left, and says which nodes were left out', async () => {
    const patch = (node: string, spec: object) => c.api.request('PATCH', `/api/v1/nodes/${node}`, { spec });
    expect((await patch('kwok-node-2', { unschedulable: true })).status).toBe(200);
    expect((await patch('kwok-node-3', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })).status).toBe(200);
    // A pod already bound to kwok-node-0 takes 1.5 CPUs and 2Gi of it.
    await c.api.create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busy' },
      spec: { nodeName: 'kwok-node-0', containers: [{ name: 'busy', image: 'busybox', resources: { requests: { cpu: '1500m', memory: '2Gi' } } }] },
    });

    const plan = await c.json(['plan', '--cluster'], composeProject(SHARDED));
    expect(plan.topology.nodes.map((n: any) => [n.name, n.cpuMillis, n.memoryBytes / 2 ** 30, n.unschedulable])).toEqual([
      ['kwok-node-0', 2500, 6, undefined],
      ['kwok-node-1', 3500, 16, undefined],
      ['kwok-node-2', 2000, 4, 'cordoned'],
      ['kwok-node-3', 2000, 4, 'taint dedicated=gpu:NoSchedule'],
    ]);
    expect(plan.skipped).toEqual([{ node: 'kwok-node-2', reason: 'cordoned' }, { node: 'kwok-node-3', reason: 'taint dedicated=gpu:NoSchedule' }]);
    // One frontend on each schedulable node; index shards in the whole CPUs left: 2 of 2.5 and 3 of 3.5.
    expect(plan.shards.map((s: any) => `${s.service}-${s.index}@${s.node}`)).toEqual([
      'frontend-0@kwok-node-0', 'frontend-1@kwok-node-1',
      'index-0@kwok-node-1', 'index-1@kwok-node-0', 'index-2@kwok-node-1', 'index-3@kwok-node-0', 'index-4@kwok-node-1',
    ]);
    expect(plan.nodes.map((n: any) => [n.node, n.cpuMillis.left, n.memoryBytes.left / 2 ** 20])).toEqual([
      ['kwok-node-0', 500, 6 * 1024 - 512 - 2048],
      ['kwok-node-1', 500, 16 * 1024 - 512 - 3072],
    ]);
  });

  it('fails with the reason when the shards do not fit', async () => {
    const run = await c.tychoc(['plan', '--cluster', '-q'], composeProject(SHARDED.replace('granularity: node,', 'count: 3, granularity: node,')));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^compose\.yaml:10:15 error TYC0902 service `frontend` asks for 3 shards, one per node, but only 2 nodes fit one \(512Mi of memory\)\n/);
  });

  it('up lays shards out as the plan does: the pods land where it says, and each frontend selects every shard', async () => {
    await c.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'planned' } });
    const project = composeProject(SHARDED.replace('image: example/search-index:2.1', 'image: example/search-index:2.1\n    expose: ["9200"]'));
    const plan = await c.json(['plan', '--cluster'], project);
    const out = await c.json(['up', '-n', 'planned', '--wait'], project);
    expect(out.services).toMatchObject({ index: { replicas: 5 }, frontend: { replicas: 2 } });
    // The whole CPUs left are taken exactly, so any schedule the scheduler finds is the plan's.
    const pods = await list(c.api, `/api/v1/namespaces/planned/pods?labelSelector=tycho-guid%3D${out.sid}`);
    const where = (list: readonly { service?: string; node?: string }[]) => list.map((x) => `${x.service}@${x.node}`).sort();
    expect(where(pods.map((p) => ({ service: p.metadata.labels['app.kubernetes.io/name'], node: p.spec.nodeName })))).toEqual(where(plan.shards));
    // The EndpointSlice controller catches up with the pods a moment after they are ready.
    const endpoints = async () => (await list(c.api, '/apis/discovery.k8s.io/v1/namespaces/planned/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dindex'))
      .flatMap((s) => (s.endpoints ?? []).map((e: any) => e.targetRef.name)).sort();
    const all = ['index-0', 'index-1', 'index-2', 'index-3', 'index-4'];
    await waitFor('every shard behind the frontend', 30_000, async () => (JSON.stringify(await endpoints()) === JSON.stringify(all) ? true : undefined)).catch(() => undefined);
    expect(await endpoints()).toEqual(all);
  });
});
