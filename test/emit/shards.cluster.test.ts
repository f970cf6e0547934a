import { describe, expect, it } from 'vitest';
import { waitFor } from '../cluster/processes.js';
import { composeProject, createNamespace, list, runningPods, useCluster } from '../executor/cluster-fixture.js';

/** Shards on two simulated nodes: a real scheduler and StatefulSet controller, kwok for the kubelets (so no CPU manager). */
const c = useCluster({ nodes: 2 });

const name = (p: any): string => p.metadata.name;
const service = (pods: readonly any[], svc: string) => pods.filter((p) => p.metadata.labels['app.kubernetes.io/name'] === svc);

describe('shards on a cluster', () => {
  it('up --wait runs node shards one per node and core shards as Guaranteed pods, each told its index', async () => {
    await createNamespace(c.api, 'shards');
    const project = composeProject([
      'name: shards',
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    expose: ["80"]',
      '    x-tycho:',
      '      shards: {count: 2, granularity: node}',
      '  worker:',
      '    image: example/worker:1',
      '    x-tycho:',
      '      shards: {count: 3, cpus_per_shard: 2, memory_per_shard: 512M}',
      '',
    ].join('\n'));
    const out = await c.json(['up', '-n', 'shards', '--wait'], project);
    expect(out.services).toMatchObject({ web: { kind: 'StatefulSet', replicas: 2, ports: [{ port: 80, protocol: 'TCP' }] }, worker: { kind: 'StatefulSet', replicas: 3 } });
    const pods = await runningPods(c.api, 'shards', out.sid, 5);
    const web = service(pods, 'web');
    expect(new Set(web.map((p) => p.spec.nodeName)).size).toBe(2);
    expect(pods.map((p) => [name(p), p.metadata.labels['apps.kubernetes.io/pod-index'], p.spec.subdomain]).sort()).toEqual([
      ['web-0', '0', 'web-shards'], ['web-1', '1', 'web-shards'],
      ['worker-0', '0', 'worker-shards'], ['worker-1', '1', 'worker-shards'], ['worker-2', '2', 'worker-shards'],
    ]);
    expect(service(pods, 'worker').map((p) => p.status.qosClass)).toEqual(['Guaranteed', 'Guaranteed', 'Guaranteed']);
    const services = await list(c.api, `/api/v1/namespaces/shards/services?labelSelector=tycho-guid%3D${out.sid}`);
    expect(services.map((s) => [name(s), s.spec.clusterIP === 'None']).sort()).toEqual([['web', false], ['web-shards', true], ['worker', true], ['worker-shards', true]]);
    const [system] = await c.json(['status', out.sid]);
    expect(system.services.map((s: any) => [s.name, s.kind, s.desired, s.ready, s.rolledOut])).toEqual([['web', 'StatefulSet', 2, 2, true], ['worker', 'StatefulSet', 3, 3, true]]);
  });

  it('leaves a node shard beyond the nodes Pending rather than doubled up on one', async () => {
    await createNamespace(c.api, 'spread');
    const project = composeProject('name: spread\nservices:\n  web:\n    image: nginx:1.27\n    x-tycho:\n      shards: {count: 3, granularity: node}\n');
    const out = await c.json(['up', '-n', 'spread'], project);
    const pods = await waitFor('two running shards and one unschedulable', 60_000, async () => {
      const all = await list(c.api, `/api/v1/namespaces/spread/pods?labelSelector=tycho-guid%3D${out.sid}`);
      const running = all.filter((p) => p.status?.phase === 'Running');
      const unschedulable = all.filter((p) => p.status?.conditions?.some((cond: any) => cond.type === 'PodScheduled' && cond.reason === 'Unschedulable'));
      return running.length === 2 && unschedulable.length === 1 ? { running, unschedulable } : undefined;
    });
    expect(new Set(pods.running.map((p) => p.spec.nodeName)).size).toBe(2);
    expect(pods.unschedulable[0].spec.nodeName).toBeUndefined();
  });
});
