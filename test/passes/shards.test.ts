import { describe, expect, it } from 'vitest';
import { defaultPasses } from '../../src/passes/index.js';
import { resourcesPass } from '../../src/passes/resources.js';
import { shardsPass } from '../../src/passes/shards.js';
import type { Pass, PassOptions } from '../../src/passes/pass.js';
import { runPass, systemFrom } from './system-from.js';

/** Service `a` with `x-tycho.shards: <shards>` and the other keys given, through the resources pass (the controller setting) and the shards pass. */
function shard(shards: string, more = '', options: PassOptions = {}) {
  const system = runPass(resourcesPass(), systemFrom(`services:\n  a:\n    image: x\n${more}    x-tycho:\n      shards: ${shards}\n`)).system;
  return runPass(shardsPass(), system, undefined, options);
}

const MiB = 2 ** 20;

describe('shards pass', () => {
  it('runs core shards as a StatefulSet of Guaranteed pods, requests equal to limits', () => {
    const { system, messages } = shard('{count: 4, cpus_per_shard: 2, memory_per_shard: 512M}');
    expect(messages).toEqual([]);
    const svc = system.services[0]!;
    expect(svc.workload).toEqual({ type: 'replicated', replicas: 4, stateful: true });
    expect(svc.sharding).toEqual({ count: 4, granularity: 'core' });
    expect(svc.container.resources).toMatchObject({ cpuLimit: 2000, cpuRequest: 2000, memoryLimitBytes: 512 * MiB, memoryRequestBytes: 512 * MiB });
  });

  it('sizes node shards only as told', () => {
    const bare = shard('{count: 3, granularity: node}', '    deploy:\n      resources:\n        reservations: {cpus: "0.25"}\n').system.services[0]!;
    expect(bare.sharding).toEqual({ count: 3, granularity: 'node' });
    expect(bare.container.resources).toMatchObject({ cpuRequest: 250 });
    expect(bare.container.resources.cpuLimit).toBeUndefined();
    const sized = shard('{count: 3, granularity: node, cpus_per_shard: 2}').system.services[0]!;
    expect(sized.container.resources).toMatchObject({ cpuLimit: 2000, cpuRequest: 2000 });
    expect(sized.container.resources.memoryLimitBytes).toBeUndefined();
  });

  it('takes `count: auto` from the plan', () => {
    const { system, messages } = shard('{granularity: node}', '', { shardCounts: { a: 5 } });
    expect(messages).toEqual([]);
    expect(system.services[0]!.sharding).toEqual({ count: 5, granularity: 'node' });
    expect(system.services[0]!.workload).toEqual({ type: 'replicated', replicas: 5, stateful: true });
  });

  it.each([
    [undefined, 'error TYC0708 the shard count of service `a` is auto (`x-tycho.shards.count`, auto unless given), which only a plan of the cluster decides: `tychoc compile --topology FILE` plans on a file\'s nodes, `tychoc up` on the cluster\'s (see `tychoc plan`)'],
    [{ b: 2 }, 'error TYC0708 the plan gives no shard count for service `a` (`x-tycho.shards.count: auto`)'],
    [{ a: 0 }, 'error TYC0708 the plan gives service `a` 0 shards; it needs a whole number from 1 to 2147483647'],
  ])('refuses `count: auto` with the plan %j', (shardCounts, message) => {
    const { system, messages } = shard('{count: auto, granularity: node}', '', shardCounts ? { shardCounts } : {});
    expect(messages).toEqual([message]);
    expect(system.services[0]!.sharding).toBeUndefined();
  });

  it('accepts replicas of 1 or of the count, and a StatefulSet controller', () => {
    for (const more of ['    deploy: {replicas: 1}\n', '    scale: 3\n', '    labels:\n      kompose.controller.type: statefulset\n']) {
      const { system, messages } = shard('{count: 3, granularity: node}', more);
      expect(messages).toEqual([]);
      expect(system.services[0]!.workload).toEqual({ type: 'replicated', replicas: 3, stateful: true });
    }
  });

  it.each([
    ['other replicas', '    deploy: {replicas: 2}\n', 'service `a` has 2 replicas (`deploy.replicas` or `scale`) but 3 shards (`x-tycho.shards.count`); drop the replicas, or make them 3'],
    ['a DaemonSet', '    deploy: {mode: global}\n', 'service `a` has `deploy.mode: global` and shards (`x-tycho.shards`), which run as a StatefulSet; drop one (`granularity: node` puts one shard on each node)'],
    ['another controller', '    labels:\n      kompose.controller.type: daemonset\n', 'service `a` asks for the controller daemonset and for shards (`x-tycho.shards`), which run as a StatefulSet; drop one'],
    ['a run to completion', '    restart: on-failure\n', 'service `a` runs to completion (`restart: "no"` or `on-failure`), but shards (`x-tycho.shards`) are long-running; drop one'],
    ['a fixed host port', '    ports: ["127.0.0.1:8080:80", "9000-9002:90", "91"]\n', 'service `a` publishes port 80 on the fixed host port 8080, which its 3 shards cannot share; publish the container port alone (`"80"`): the Service `a` reaches every shard'],
  ])('refuses shards with %s', (_, more, message) => {
    const { system, messages } = shard('{count: 3, granularity: node}', more);
    expect(messages).toEqual([`error TYC0707 ${message}`]);
    expect(system.services[0]!.sharding).toBeUndefined();
  });

  it('refuses limits that differ from the shard size, and raises a reservation to it', () => {
    const limits = '    deploy:\n      resources:\n        limits: {cpus: "1.5", memory: 1G}\n';
    expect(shard('{count: 2, memory_per_shard: 512M}', limits).messages).toEqual([
      'error TYC0707 service `a` has a CPU limit of 1.5 CPUs (`deploy.resources.limits.cpus`), but its shards have 1 CPU each (`x-tycho.shards.cpus_per_shard`); make them equal, or drop the limit',
      'error TYC0707 service `a` has a memory limit of 1Gi (`deploy.resources.limits.memory`), but its shards have 512Mi each (`x-tycho.shards.memory_per_shard`); make them equal, or drop the limit',
    ]);
    const reserved = shard('{count: 2}', '    deploy:\n      resources:\n        limits: {cpus: "2", memory: 1G}\n        reservations: {cpus: "0.5", memory: 1G}\n');
    expect(reserved.messages).toEqual(['warning TYC0705 the CPU reservation of service `a` (0.5 CPUs) becomes 2 CPUs, its shards\' size: a shard\'s requests equal its limits']);
    expect(reserved.system.services[0]!.container.resources).toMatchObject({ cpuLimit: 2000, cpuRequest: 2000, memoryLimitBytes: 1024 * MiB, memoryRequestBytes: 1024 * MiB });
  });

  it('leaves services without shards alone', () => {
    const system = systemFrom('services:\n  a:\n    image: x\n    deploy: {replicas: 2}\n');
    expect(runPass(shardsPass(), system).system).toEqual(system);
  });

  it('runs after the controller setting and before volumes count the pods', () => {
    const names = defaultPasses().map((p: Pass) => p.name);
    expect(names.indexOf('resources')).toBeLessThan(names.indexOf('shards'));
    expect(names.indexOf('shards')).toBeLessThan(names.indexOf('volumes'));
  });
});
