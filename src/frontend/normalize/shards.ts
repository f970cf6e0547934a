import { INT32_MAX } from '../../emit/api-rules.js';
import type { Resources, Setting, ShardSpec } from '../../model/system.js';
import { Codes } from '../codes.js';
import { child, type PNode } from '../tree.js';
import { parseBytes } from '../units.js';
import { report, text, warn, type NormalizeContext } from './reader.js';

const KEYS = new Set(['count', 'granularity', 'cpus_per_shard', 'memory_per_shard']);
const GRANULARITIES = new Set(['node', 'core']);

/**
 * `x-tycho.shards: {count, granularity, cpus_per_shard, memory_per_shard}`; `count` defaults to
 * `auto` and `granularity` to `core`, as Tesson's do. Core shards take their sizes from the
 * service's limits where the block is silent: a Guaranteed pod needs a memory limit, and the
 * static CPU manager pins whole CPUs only. A bad value is reported and drops the whole setting.
 */
export function shardsSetting(node: PNode | undefined, service: string, resources: Resources, ctx: NormalizeContext): Setting<ShardSpec> | undefined {
  if (!node) return undefined;
  if (node.kind !== 'map') {
    report(ctx, Codes.invalidValue, '`x-tycho.shards` must be a mapping such as `{count: 4, granularity: core, memory_per_shard: 512M}`', node);
    return undefined;
  }
  for (const [key, e] of node.entries) {
    if (!KEYS.has(key)) warn(ctx, Codes.unknownKey, `unknown key \`${key}\` in \`x-tycho.shards\` of service \`${service}\``, e.keyPos);
  }
  const before = ctx.diagnostics.length;
  const count = shardCount(child(node, 'count'), ctx);
  const granularity = shardGranularity(child(node, 'granularity'), ctx);
  const cpus = wholeCpus(child(node, 'cpus_per_shard'), ctx);
  const memory = shardMemory(child(node, 'memory_per_shard'), ctx);
  if (ctx.diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined;
  const core = granularity === 'core';
  const limit = resources.cpuLimit;
  const cpusPerShard = cpus ?? (!core ? undefined : limit !== undefined && limit >= 1000 && limit % 1000 === 0 ? limit / 1000 : 1);
  const memoryPerShardBytes = memory ?? (core ? resources.memoryLimitBytes : undefined);
  if (core && memoryPerShardBytes === undefined) {
    const why = 'a Guaranteed pod, which the static CPU manager pins to whole CPUs, needs a memory limit';
    report(ctx, Codes.missingKey, `core shards of service \`${service}\` need \`memory_per_shard\` (or \`deploy.resources.limits.memory\`): ${why}`, node);
    return undefined;
  }
  const value: ShardSpec = {
    count: count ?? 'auto',
    granularity,
    ...(cpusPerShard !== undefined ? { cpusPerShard } : {}),
    ...(memoryPerShardBytes !== undefined ? { memoryPerShardBytes } : {}),
  };
  return { value, pos: node.pos };
}

/** No value: the key is missing, or null. */
function absent(node: PNode | undefined): node is undefined {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/** A whole number from 1 (written as digits, or a YAML integer), or undefined. */
function positive(node: PNode): number | undefined {
  const raw = node.kind === 'scalar' && typeof node.value !== 'boolean' ? String(node.value) : '';
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  return n >= 1 && n <= INT32_MAX ? n : undefined;
}

/** A value as a message quotes it. */
function written(node: PNode): string {
  return node.kind === 'scalar' ? JSON.stringify(node.value) : node.kind === 'map' ? 'a mapping' : 'a list';
}

/** The count, or undefined for `auto` (also when it is not given). */
function shardCount(node: PNode | undefined, ctx: NormalizeContext): number | undefined {
  if (absent(node) || text(node)?.toLowerCase() === 'auto') return undefined;
  const n = positive(node);
  if (n === undefined) report(ctx, Codes.invalidValue, `\`x-tycho.shards.count\` must be a whole number of shards from 1 to ${INT32_MAX}, or auto, not ${written(node)}`, node);
  return n;
}

function shardGranularity(node: PNode | undefined, ctx: NormalizeContext): 'node' | 'core' {
  if (absent(node)) return 'core';
  const raw = text(node)?.toLowerCase();
  if (raw === undefined || !GRANULARITIES.has(raw)) report(ctx, Codes.invalidValue, `\`x-tycho.shards.granularity\` must be node or core, not ${written(node)}`, node);
  return raw === 'node' ? 'node' : 'core';
}

function wholeCpus(node: PNode | undefined, ctx: NormalizeContext): number | undefined {
  if (absent(node)) return undefined;
  const n = positive(node);
  if (n === undefined) {
    report(ctx, Codes.invalidValue, `\`x-tycho.shards.cpus_per_shard\` must be a whole number of CPUs from 1 (the static CPU manager pins whole CPUs only), not ${written(node)}`, node);
  }
  return n;
}

function shardMemory(node: PNode | undefined, ctx: NormalizeContext): number | undefined {
  if (absent(node)) return undefined;
  const bytes = node.kind === 'scalar' && typeof node.value !== 'boolean' && node.value !== null ? parseBytes(node.value) : undefined;
  if (bytes !== undefined && bytes > 0 && bytes <= Number.MAX_SAFE_INTEGER) return bytes;
  report(ctx, Codes.invalidByteSize, `\`x-tycho.shards.memory_per_shard\` must be a size such as 512m or 2g, not ${written(node)}`, node);
  return undefined;
}
