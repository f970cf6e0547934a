import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { whyNoLayout } from './layout-errors.js';
import type { TopologyNode } from './topology.js';

/** What each shard of one service needs, and how many to lay out how. */
export interface ShardDemand {
  readonly service: string;
  readonly count: number | 'auto';
  readonly granularity: 'node' | 'core';
  /** CPU of one shard in millicores: whole CPUs (a multiple of 1000) for core shards. */
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** Labels its node must have where the node has them at all (the service's platform). */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** The `x-tycho.shards` setting, where problems are reported. */
  readonly pos: SourcePos;
}

/** One shard and the node it goes to. */
export interface PlacedShard {
  readonly service: string;
  /** 0-based, as the StatefulSet's pod index. */
  readonly index: number;
  readonly node: string;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

/** What a node had free, what the shards take of it, and what is left. */
export interface NodeUsage {
  readonly node: string;
  readonly shards: number;
  readonly cpuMillis: { readonly free: number; readonly used: number; readonly left: number };
  readonly memoryBytes: { readonly free: number; readonly used: number; readonly left: number };
}

export interface ShardPlan {
  /** By service, then index. */
  readonly shards: readonly PlacedShard[];
  /** Every schedulable node, in the topology's order. */
  readonly nodes: readonly NodeUsage[];
  /** The nodes left out, and why. */
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
}

/** A node being filled: what is left on it, and whose shards it holds. */
export interface Room {
  readonly node: TopologyNode;
  cpuLeft: number;
  memoryLeft: number;
  total: number;
  readonly shards: Map<string, number>;
}

/**
 * Lays the shards of every demand out on the schedulable nodes, which they share: fixed counts
 * first (one per node, then cores), then `auto` ones (every node that fits one, then cores taken
 * in turns until none fits). A demand that cannot be met is reported and gets no shard.
 */
export function layShards(demands: readonly ShardDemand[], nodes: readonly TopologyNode[]): { plan: ShardPlan; diagnostics: Diagnostic[] } {
  const rooms: Room[] = nodes.filter((n) => n.unschedulable === undefined).map((node) => ({ node, cpuLeft: node.cpuMillis, memoryLeft: node.memoryBytes, total: 0, shards: new Map() }));
  const diagnostics: Diagnostic[] = [];
  const placed: PlacedShard[] = [];
  const place = (d: ShardDemand, room: Room) => {
    const index = placed.filter((s) => s.service === d.service).length;
    placed.push({ service: d.service, index, node: room.node.name, cpuMillis: d.cpuMillis, memoryBytes: d.memoryBytes });
    room.cpuLeft -= d.cpuMillis;
    room.memoryLeft -= d.memoryBytes;
    room.total += 1;
    room.shards.set(d.service, (room.shards.get(d.service) ?? 0) + 1);
  };
  const fail = (d: ShardDemand, fit: number) =>
    diagnostics.push({ severity: 'error', code: Codes.impossibleLayout, message: whyNoLayout(d, rooms.filter((r) => eligible(d, r)), fit), pos: d.pos });

  const sorted = [...demands].sort((a, b) => (a.service < b.service ? -1 : 1));
  const of = (granularity: ShardDemand['granularity'], auto: boolean) => sorted.filter((d) => d.granularity === granularity && (d.count === 'auto') === auto);
  for (const d of of('node', false)) layPerNode(d, rooms, place, fail);
  for (const d of of('core', false)) layCores(d, d.count as number, rooms, place, fail);
  for (const d of of('node', true)) layPerNode(d, rooms, place, fail);
  layCoresInTurns(of('core', true), rooms, place, fail);

  const shards = placed.sort((a, b) => (a.service === b.service ? a.index - b.index : a.service < b.service ? -1 : 1));
  const skipped = nodes.flatMap((n) => (n.unschedulable === undefined ? [] : [{ node: n.name, reason: n.unschedulable }]));
  return { plan: { shards, nodes: rooms.map(usage), skipped }, diagnostics };
}

type Place = (d: ShardDemand, room: Room) => void;
type Fail = (d: ShardDemand, fit: number) => void;

/** One shard on each of `count` different nodes (every node that fits one, for `auto`), the least busy first. */
function layPerNode(d: ShardDemand, rooms: readonly Room[], place: Place, fail: Fail): void {
  const fitting = rooms.filter((r) => eligible(d, r) && shardsFitting(d, r) > 0);
  const count = d.count === 'auto' ? fitting.length : d.count;
  if (count === 0 || count > fitting.length) return fail(d, fitting.length);
  const chosen = new Set([...fitting].sort((a, b) => a.total - b.total || b.cpuLeft - a.cpuLeft || byName(a, b)).slice(0, count));
  // Indexes follow the topology's order, so shard 0 is on the first node chosen in it.
  for (const room of fitting) if (chosen.has(room)) place(d, room);
}

/** `count` shards of whole CPUs, each on the node that then holds the fewest of them. */
function layCores(d: ShardDemand, count: number, rooms: readonly Room[], place: Place, fail: Fail): void {
  const fit = rooms.filter((r) => eligible(d, r)).reduce((sum, r) => sum + shardsFitting(d, r), 0);
  if (count > fit) return fail(d, fit);
  for (let i = 0; i < count; i++) place(d, emptiest(d, rooms)!);
}

/** `auto` core shards: each demand takes one shard in turn, until none fits any more. */
function layCoresInTurns(demands: readonly ShardDemand[], rooms: readonly Room[], place: Place, fail: Fail): void {
  const counts = new Map(demands.map((d) => [d, 0]));
  for (let more = true; more; ) {
    more = false;
    for (const d of demands) {
      const room = emptiest(d, rooms);
      if (!room) continue;
      place(d, room);
      counts.set(d, counts.get(d)! + 1);
      more = true;
    }
  }
  for (const [d, n] of counts) if (n === 0) fail(d, 0);
}

/**
 * Where the next shard of `d` goes, as the scheduler's spreading and balanced allocation tend to
 * put it: the node with the fewest shards of the service, then of any, then the most CPU left.
 */
function emptiest(d: ShardDemand, rooms: readonly Room[]): Room | undefined {
  const mine = (r: Room) => r.shards.get(d.service) ?? 0;
  return rooms
    .filter((r) => eligible(d, r) && shardsFitting(d, r) > 0)
    .sort((a, b) => mine(a) - mine(b) || a.total - b.total || b.cpuLeft - a.cpuLeft || byName(a, b))[0];
}

/** How many more shards of `d` fit in what is left on a node (at most one per node for node shards). */
export function shardsFitting(d: ShardDemand, r: Pick<Room, 'cpuLeft' | 'memoryLeft' | 'shards'>): number {
  const by = (left: number, each: number) => (each === 0 ? Infinity : Math.floor(left / each));
  const n = Math.min(by(r.cpuLeft, d.cpuMillis), by(r.memoryLeft, d.memoryBytes));
  return d.granularity === 'node' ? (n >= 1 && !r.shards.has(d.service) ? 1 : 0) : n;
}

/** The node carries the labels the service needs, or says nothing about them. */
export function eligible(d: ShardDemand, r: Room): boolean {
  return Object.entries(d.nodeLabels).every(([k, v]) => r.node.labels[k] === undefined || r.node.labels[k] === v);
}

const byName = (a: Room, b: Room) => (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0);

function usage(r: Room): NodeUsage {
  const { cpuMillis, memoryBytes } = r.node;
  return {
    node: r.node.name,
    shards: r.total,
    cpuMillis: { free: cpuMillis, used: cpuMillis - r.cpuLeft, left: r.cpuLeft },
    memoryBytes: { free: memoryBytes, used: memoryBytes - r.memoryLeft, left: r.memoryLeft },
  };
}
