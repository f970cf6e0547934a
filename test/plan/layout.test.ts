import { describe, expect, it } from 'vitest';
import { layShards, type ShardDemand, type ShardPlan } from '../../src/plan/layout.js';
import type { TopologyNode } from '../../src/plan/topology.js';

const GI = 2 ** 30;
const pos = { file: 'compose.yaml', line: 7, col: 7 };

const node = (name: string, cpus: number, memoryGi: number, more: Partial<TopologyNode> = {}): TopologyNode => ({
  name, cpuMillis: Math.round(cpus * 1000), memoryBytes: memoryGi * GI, labels: {}, ...more,
});
const demand = (service: string, count: number | 'auto', granularity: 'node' | 'core', cpus: number, memoryGi: number, more: Partial<ShardDemand> = {}): ShardDemand => ({
  service, count, granularity, cpuMillis: Math.round(cpus * 1000), memoryBytes: memoryGi * GI, nodeLabels: {}, pos, ...more,
});
/** `service-index@node` for every shard. */
const where = (plan: ShardPlan) => plan.shards.map((s) => `${s.service}-${s.index}@${s.node}`);
/** `node: shards, CPUs used/left, memory used/left`, CPUs in millicores and memory in GiB. */
const totals = (plan: ShardPlan) => plan.nodes.map((n) => `${n.node}: ${n.shards}, ${n.cpuMillis.used}/${n.cpuMillis.left}, ${n.memoryBytes.used / GI}/${n.memoryBytes.left / GI}`);
const messages = (r: ReturnType<typeof layShards>) => r.diagnostics.map((d) => `${d.code} ${d.message}`);

describe('core shards', () => {
  it('spread over equal nodes, the fewest shards first, by name on a tie', () => {
    const { plan, diagnostics } = layShards([demand('db', 5, 'core', 2, 4)], [node('a', 8, 32), node('b', 8, 32), node('c', 8, 32)]);
    expect(diagnostics).toEqual([]);
    expect(where(plan)).toEqual(['db-0@a', 'db-1@b', 'db-2@c', 'db-3@a', 'db-4@b']);
    expect(totals(plan)).toEqual(['a: 2, 4000/4000, 8/24', 'b: 2, 4000/4000, 8/24', 'c: 1, 2000/6000, 4/28']);
    expect(plan.shards[0]).toEqual({ service: 'db', index: 0, node: 'a', cpuMillis: 2000, memoryBytes: 4 * GI });
  });

  it('on nodes of different sizes: spread first, then the larger node takes what the smaller cannot', () => {
    const { plan } = layShards([demand('db', 6, 'core', 2, 1)], [node('small', 4, 16), node('big', 16, 64)]);
    expect(where(plan)).toEqual(['db-0@big', 'db-1@small', 'db-2@big', 'db-3@small', 'db-4@big', 'db-5@big']);
    expect(totals(plan)).toEqual(['small: 2, 4000/0, 2/14', 'big: 4, 8000/8000, 4/60']);
  });

  it('count only whole CPUs of a fractional allocatable', () => {
    const { plan, diagnostics } = layShards([demand('db', 'auto', 'core', 1, 0)], [node('a', 3.5, 8), node('b', 2.9, 8)]);
    expect(diagnostics).toEqual([]);
    expect(where(plan)).toEqual(['db-0@a', 'db-1@b', 'db-2@a', 'db-3@b', 'db-4@a']);
    expect(totals(plan)).toEqual(['a: 3, 3000/500, 0/8', 'b: 2, 2000/900, 0/8']);
  });

  it('auto: as many as fit by CPUs or by memory, whichever runs out first', () => {
    const { plan } = layShards([demand('db', 'auto', 'core', 1, 6)], [node('a', 8, 32), node('b', 2, 32)]);
    expect(totals(plan)).toEqual(['a: 5, 5000/3000, 30/2', 'b: 2, 2000/0, 12/20']);
  });
});

describe('node shards', () => {
  it('one per node, each on a different node, the least busy and largest first', () => {
    const { plan, diagnostics } = layShards([demand('web', 2, 'node', 0.5, 1)], [node('a', 4, 8), node('b', 8, 8), node('c', 6, 8)]);
    expect(diagnostics).toEqual([]);
    // b and c have the most CPU; indexes follow the topology's order.
    expect(where(plan)).toEqual(['web-0@b', 'web-1@c']);
    expect(totals(plan)).toEqual(['a: 0, 0/4000, 0/8', 'b: 1, 500/7500, 1/7', 'c: 1, 500/5500, 1/7']);
  });

  it('auto: every schedulable node that fits one, and never two on one node', () => {
    const nodes = [node('a', 4, 8), node('b', 1, 8), node('c', 4, 8), node('d', 4, 8, { unschedulable: 'cordoned' })];
    const { plan, diagnostics } = layShards([demand('web', 'auto', 'node', 2, 1)], nodes);
    expect(diagnostics).toEqual([]);
    expect(where(plan)).toEqual(['web-0@a', 'web-1@c']);
    expect(plan.skipped).toEqual([{ node: 'd', reason: 'cordoned' }]);
    expect(plan.nodes.map((n) => n.node)).toEqual(['a', 'b', 'c']);
  });

  it('that ask for nothing fit every schedulable node', () => {
    const { plan } = layShards([demand('web', 'auto', 'node', 0, 0)], [node('a', 0, 0), node('b', 1, 1)]);
    expect(where(plan)).toEqual(['web-0@a', 'web-1@b']);
  });

  it('go only to nodes of the platform the service asks for, or nodes that do not say', () => {
    const arm = { 'kubernetes.io/arch': 'arm64' };
    const nodes = [node('x86', 4, 8, { labels: { 'kubernetes.io/arch': 'amd64' } }), node('arm', 4, 8, { labels: arm }), node('bare', 4, 8)];
    const { plan } = layShards([demand('web', 'auto', 'node', 1, 1, { nodeLabels: arm })], nodes);
    expect(where(plan)).toEqual(['web-0@arm', 'web-1@bare']);
  });
});

describe('several services', () => {
  it('share the nodes: fixed counts first (one per node, then cores), then auto ones in turns', () => {
    const demands = [
      demand('queue', 'auto', 'core', 1, 1),
      demand('cache', 'auto', 'core', 1, 1),
      demand('db', 3, 'core', 1, 2),
      demand('web', 2, 'node', 2, 4),
    ];
    const { plan, diagnostics } = layShards(demands, [node('a', 4, 16), node('b', 4, 16), node('c', 4, 16)]);
    expect(diagnostics).toEqual([]);
    expect(where(plan)).toEqual([
      'cache-0@c', 'cache-1@a', 'cache-2@c',
      'db-0@c', 'db-1@a', 'db-2@b',
      'queue-0@c', 'queue-1@b',
      'web-0@a', 'web-1@b',
    ]);
    expect(totals(plan)).toEqual(['a: 3, 4000/0, 7/9', 'b: 3, 4000/0, 7/9', 'c: 4, 4000/0, 5/11']);
  });

  it('an impossible one is reported and the others are laid out', () => {
    const r = layShards([demand('db', 9, 'core', 1, 1), demand('web', 1, 'node', 1, 1)], [node('a', 4, 16), node('b', 4, 16)]);
    expect(messages(r)).toEqual(['TYC0902 service `db` asks for 9 shards of 1 CPU, 9 CPUs in all, but the nodes have 7 whole CPUs free']);
    expect(r.diagnostics[0]!.pos).toEqual(pos);
    expect(where(r.plan)).toEqual(['web-0@a']);
  });

  it('an auto one with no room left is reported', () => {
    const r = layShards([demand('db', 2, 'core', 2, 1), demand('cache', 'auto', 'core', 1, 1)], [node('a', 2, 16), node('b', 2, 16)]);
    expect(messages(r)).toEqual(['TYC0902 service `cache`: no node has room left for a shard (1 CPU and 1Gi of memory)']);
  });
});

describe('impossible layouts', () => {
  const fail = (d: ShardDemand, nodes: TopologyNode[]) => messages(layShards([d], nodes));

  it('a shard larger than every node', () => {
    expect(fail(demand('db', 2, 'core', 16, 1), [node('a', 8.5, 32), node('b', 4, 64)])).toEqual([
      'TYC0902 service `db`: a shard needs 16 CPUs, more than any node has (at most 8 whole CPUs, on `a`)',
    ]);
    expect(fail(demand('db', 'auto', 'core', 9, 1), [node('a', 8.5, 32)])).toEqual([
      'TYC0902 service `db`: a shard needs 9 CPUs, more than any node has (at most 8 whole CPUs, on `a`)',
    ]);
    expect(fail(demand('web', 2, 'node', 2.5, 1), [node('a', 2.25, 32)])).toEqual([
      'TYC0902 service `web`: a shard needs 2.5 CPUs, more than any node has (at most 2.25 CPUs, on `a`)',
    ]);
    expect(fail(demand('db', 1, 'core', 1, 64), [node('a', 8, 32), node('b', 4, 48)])).toEqual([
      'TYC0902 service `db`: a shard needs 64Gi of memory, more than any node has (at most 48Gi, on `b`)',
    ]);
  });

  it('no node with both the CPUs and the memory', () => {
    expect(fail(demand('db', 1, 'core', 4, 16), [node('a', 8, 4), node('b', 2, 64)])).toEqual([
      'TYC0902 service `db`: no node has both the 4 CPUs and the 16Gi of memory a shard needs',
    ]);
  });

  it('not enough CPUs or memory in total', () => {
    expect(fail(demand('db', 6, 'core', 1, 0), [node('a', 3.5, 8), node('b', 2.9, 8)])).toEqual([
      'TYC0902 service `db` asks for 6 shards of 1 CPU, 6 CPUs in all, but the nodes have 5 whole CPUs free',
    ]);
    expect(fail(demand('db', 4, 'core', 1, 5), [node('a', 8, 8), node('b', 8, 8)])).toEqual([
      'TYC0902 service `db` asks for 4 shards of 5Gi of memory, 20Gi in all, but the nodes have 16Gi free',
    ]);
  });

  it('more than fit, one node at a time', () => {
    expect(fail(demand('db', 3, 'core', 2, 0), [node('a', 3, 8), node('b', 3, 8)])).toEqual([
      'TYC0902 service `db` asks for 3 shards of 2 CPUs, but the nodes have room for only 2: a shard must fit on one node',
    ]);
  });

  it('more node shards than nodes that fit one', () => {
    expect(fail(demand('web', 4, 'node', 0, 0), [node('a', 1, 1), node('b', 1, 1), node('c', 1, 1)])).toEqual([
      'TYC0902 service `web` asks for 4 shards, one per node, but only 3 nodes fit one',
    ]);
    expect(fail(demand('web', 3, 'node', 2, 4), [node('a', 4, 8), node('b', 4, 8), node('c', 1, 8)])).toEqual([
      'TYC0902 service `web` asks for 3 shards, one per node, but only 2 nodes fit one (2 CPUs and 4Gi of memory)',
    ]);
  });

  it('no node to go to', () => {
    expect(fail(demand('web', 'auto', 'node', 1, 1), [node('a', 4, 8, { unschedulable: 'cordoned' })])).toEqual([
      'TYC0902 service `web` has no node to go to: the topology has no schedulable node',
    ]);
    const arm = { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' };
    expect(fail(demand('web', 1, 'node', 1, 1, { nodeLabels: arm }), [node('a', 4, 8, { labels: { 'kubernetes.io/arch': 'amd64' } })])).toEqual([
      'TYC0902 service `web` has no node to go to: no schedulable node is labelled kubernetes.io/os=linux, kubernetes.io/arch=arm64, as its platform asks',
    ]);
  });
});
