import type { Diagnostic } from '../diagnostics.js';
import type { System } from '../model/system.js';
import { setOwn } from '../object-keys.js';
import { shardDemands } from './demands.js';
import { layShards, type ShardPlan } from './layout.js';
import type { Topology } from './topology.js';

export { clusterTopology } from './topology-cluster.js';
export { fileTopology } from './topology-file.js';
export { localTopology } from './topology-local.js';
export type { CpuLayout, Topology, TopologyNode } from './topology.js';
export type { NodeUsage, PlacedShard, ShardDemand, ShardPlan } from './layout.js';

/**
 * Where the shards of every sharded service (`x-tycho.shards`) of a compiled system go on a
 * topology's nodes, and what is left on each; layouts that cannot be are errors at the setting.
 */
export function planShards(system: System, topology: Topology): { plan: ShardPlan; diagnostics: Diagnostic[] } {
  return layShards(shardDemands(system), topology.nodes);
}

/** The number of shards the plan gives each service, as compiling with `count: auto` needs them. */
export function shardCounts(plan: ShardPlan): Record<string, number> {
  const counts: Record<string, number> = {};
  // setOwn: a service may be named `__proto__`.
  for (const s of plan.shards) setOwn(counts, s.service, (Object.hasOwn(counts, s.service) ? counts[s.service]! : 0) + 1);
  return counts;
}
