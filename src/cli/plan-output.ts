import type { ShardPlan, Topology } from '../plan/index.js';
import { cpuText } from '../quantities.js';
import { table } from './cluster-options.js';

/**
 * A plan as tables: each shard and its node, then each node's shards, what they use and what is
 * left; then the nodes left out, and the CPU layout of a machine that has one.
 */
export function formatPlan(plan: ShardPlan, topology: Topology): string {
  const shards = table([
    ['SERVICE', 'SHARD', 'NODE', 'CPUS', 'MEMORY'],
    ...plan.shards.map((s) => [s.service, String(s.index), s.node, cpuText(s.cpuMillis), memoryText(s.memoryBytes)]),
  ]);
  const nodes = table([
    ['NODE', 'SHARDS', 'CPUS USED', 'CPUS LEFT', 'MEMORY USED', 'MEMORY LEFT'],
    ...plan.nodes.map((n) => [
      n.node,
      String(n.shards),
      `${cpuText(n.cpuMillis.used)} of ${cpuText(n.cpuMillis.free)}`,
      cpuText(n.cpuMillis.left),
      `${memoryText(n.memoryBytes.used)} of ${memoryText(n.memoryBytes.free)}`,
      memoryText(n.memoryBytes.left),
    ]),
  ]);
  const skipped = plan.skipped.length > 0 ? `\nskipped: ${plan.skipped.map((s) => `${s.node} (${s.reason})`).join(', ')}\n` : '';
  const layouts = topology.nodes.flatMap((n) => {
    if (!n.cpuLayout) return [];
    const { cores, numa } = n.cpuLayout;
    const cpus = cores.reduce((sum, c) => sum + c.cpus.length, 0);
    const packages = new Set(cores.map((c) => c.package)).size;
    return [`${n.name}: ${cpus} CPUs on ${cores.length} cores in ${packages} package${packages === 1 ? '' : 's'}, ${numa.length} NUMA node${numa.length === 1 ? '' : 's'}\n`];
  });
  return `${plan.shards.length > 0 ? `${shards}\n` : ''}${nodes}${skipped}${layouts.length > 0 ? `\n${layouts.join('')}` : ''}`;
}

const UNITS: readonly [string, number][] = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/** Bytes in the largest binary unit, to a tenth at most (`12.5Gi`, `21.9Gi`), rounded down: what is left is never overstated. */
function memoryText(bytes: number): string {
  const [unit, size] = UNITS.find(([, size]) => bytes >= size) ?? ['', 1];
  return `${Math.floor((bytes / size) * 10) / 10}${unit}`;
}
