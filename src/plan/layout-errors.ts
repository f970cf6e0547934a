import { memoryQuantity } from '../emit/quantities.js';
import type { Room, ShardDemand } from './layout.js';

/**
 * Why the shards of `d` cannot be laid out on `rooms` (the schedulable nodes it may use), of
 * which `fit` would fit: a shard larger than every node, no node for its platform, not enough
 * in total, or more than fit one node at a time. Sizes are those of whole CPUs for core shards,
 * since the static CPU manager pins nothing less.
 */
export function whyNoLayout(d: ShardDemand, rooms: readonly Room[], fit: number): string {
  const who = `service \`${d.service}\``;
  if (rooms.length === 0) {
    const labels = Object.entries(d.nodeLabels).map(([k, v]) => `${k}=${v}`).join(', ');
    return `${who} has no node to go to: ${labels ? `no schedulable node is labelled ${labels}, as its platform asks` : 'the topology has no schedulable node'}`;
  }
  const whole = d.granularity === 'core';
  const cpuOf = (r: Room) => (whole ? Math.floor(r.node.cpuMillis / 1000) * 1000 : r.node.cpuMillis);
  const mostCpu = largest(rooms, cpuOf);
  if (d.cpuMillis > cpuOf(mostCpu)) {
    return `${who}: a shard needs ${cpus(d.cpuMillis)}, more than any node has (at most ${cpus(cpuOf(mostCpu), whole)}, on \`${mostCpu.node.name}\`)`;
  }
  const mostMemory = largest(rooms, (r) => r.node.memoryBytes);
  if (d.memoryBytes > mostMemory.node.memoryBytes) {
    return `${who}: a shard needs ${memory(d.memoryBytes)}, more than any node has (at most ${memoryQuantity(mostMemory.node.memoryBytes)}, on \`${mostMemory.node.name}\`)`;
  }
  if (!rooms.some((r) => d.cpuMillis <= cpuOf(r) && d.memoryBytes <= r.node.memoryBytes)) {
    return `${who}: no node has both the ${cpus(d.cpuMillis)} and the ${memory(d.memoryBytes)} a shard needs`;
  }
  if (d.count === 'auto') return `${who}: no node has room left for a shard (${size(d)})`;
  const n = d.count;
  if (d.granularity === 'node') {
    const nodes = fit === 0 ? 'no node fits' : fit === 1 ? 'only 1 node fits' : `only ${fit} nodes fit`;
    return `${who} asks for ${n} shards, one per node, but ${nodes} one${size(d) ? ` (${size(d)})` : ''}`;
  }
  const wholeFree = rooms.reduce((sum, r) => sum + Math.floor(Math.max(0, r.cpuLeft) / 1000), 0);
  if (n * d.cpuMillis > wholeFree * 1000) {
    return `${who} asks for ${n} shards of ${cpus(d.cpuMillis)}, ${cpus(n * d.cpuMillis)} in all, but the nodes have ${wholeFree} whole CPUs free`;
  }
  const memoryFree = rooms.reduce((sum, r) => sum + Math.max(0, r.memoryLeft), 0);
  if (n * d.memoryBytes > memoryFree) {
    return `${who} asks for ${n} shards of ${memory(d.memoryBytes)}, ${memoryQuantity(n * d.memoryBytes)} in all, but the nodes have ${memoryQuantity(memoryFree)} free`;
  }
  return `${who} asks for ${n} shards of ${size(d)}, but the nodes have room for only ${fit}: a shard must fit on one node`;
}

function largest(rooms: readonly Room[], of: (r: Room) => number): Room {
  return rooms.reduce((best, r) => (of(r) > of(best) ? r : best));
}

function cpus(millis: number, whole = false): string {
  return `${millis / 1000} ${whole ? 'whole ' : ''}CPU${millis === 1000 ? '' : 's'}`;
}

function memory(bytes: number): string {
  return `${memoryQuantity(bytes)} of memory`;
}

/** A shard's size in words: `2 CPUs and 4Gi of memory`; empty when it asks for neither. */
function size(d: ShardDemand): string {
  return [d.cpuMillis > 0 ? cpus(d.cpuMillis) : '', d.memoryBytes > 0 ? memory(d.memoryBytes) : ''].filter(Boolean).join(' and ');
}
