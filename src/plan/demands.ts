import type { Service, System } from '../model/system.js';
import type { ShardDemand } from './layout.js';

/**
 * What each shard of the system's sharded services needs. A size `x-tycho.shards` does not give
 * is what the service's container asks for: its request, else its limit, which Kubernetes then
 * requests; core shards are whole CPUs, 1 unless given.
 */
export function shardDemands(system: System): ShardDemand[] {
  return system.services.flatMap((svc): ShardDemand[] => {
    const shards = svc.settings.shards;
    if (!shards) return [];
    const { count, granularity, cpusPerShard, memoryPerShardBytes } = shards.value;
    const { cpuRequest, cpuLimit, memoryRequestBytes, memoryLimitBytes } = svc.container.resources;
    const cpuMillis = cpusPerShard !== undefined ? cpusPerShard * 1000 : granularity === 'core' ? 1000 : (cpuRequest ?? cpuLimit ?? 0);
    const memoryBytes = memoryPerShardBytes ?? memoryRequestBytes ?? memoryLimitBytes ?? 0;
    return [{ service: svc.name, count, granularity, cpuMillis, memoryBytes, nodeLabels: platformLabels(svc), pos: shards.pos }];
  });
}

/** The node labels a service's `platform` selects, as its pods' nodeSelector does. */
function platformLabels(svc: Service): Record<string, string> {
  if (!svc.platform) return {};
  return { 'kubernetes.io/os': svc.platform.os, ...(svc.platform.arch ? { 'kubernetes.io/arch': svc.platform.arch } : {}) };
}
