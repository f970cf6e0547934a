import type { Diagnostic, SourcePos } from '../../diagnostics.js';
import { INT32_MAX } from '../../emit/api-rules.js';
import { Codes } from '../codes.js';
import { child, type PMap, type PNode } from '../tree.js';
import { parseBytes, parseDuration } from '../units.js';

/** Shared state of one normalization: where diagnostics go and where the project lives. */
export interface NormalizeContext {
  readonly diagnostics: Diagnostic[];
  readonly projectDir: string;
  readonly projectName: string;
  /** The directory every file read must be in, if any. */
  readonly within?: string;
}

/** A scalar's value as text, or undefined when absent or null. */
export function text(node: PNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value !== null ? String(node.value) : undefined;
}

/** A scalar read as a boolean (compose also accepts the strings "true"/"false"). */
export function flag(node: PNode | undefined): boolean {
  const v = node?.kind === 'scalar' ? node.value : undefined;
  return v === true || v === 'true';
}

/** A string or list of strings as a list. */
export function strings(node: PNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'seq') return node.items.flatMap((i) => (text(i) === undefined ? [] : [text(i)!]));
  const t = text(node);
  return t === undefined ? [] : [t];
}

/** Entries of a map node, or none. */
export function entries(node: PNode | undefined): [string, PNode, SourcePos][] {
  return node?.kind === 'map' ? [...node.entries].map(([k, e]) => [k, e.value, e.keyPos]) : [];
}

export function isMap(node: PNode | undefined): node is PMap {
  return node?.kind === 'map';
}

/** Sizes stay exact numbers (8 PiB); Kubernetes' own limit, int64, is further. */
const BYTES_MAX = Number.MAX_SAFE_INTEGER;

/** A duration field in seconds; a malformed one, or one past int32 seconds, is reported and treated as absent. */
export function duration(map: PNode | undefined, key: string, ctx: NormalizeContext): number | undefined {
  return measured(map, key, ctx, parseDuration, { code: Codes.invalidDuration, expected: 'a duration such as 30s or 1m30s', max: INT32_MAX, unit: 's' });
}

/** A byte-size field in bytes; a malformed one, or one past 8 PiB, is reported and treated as absent. */
export function bytes(map: PNode | undefined, key: string, ctx: NormalizeContext): number | undefined {
  return measured(map, key, ctx, parseBytes, { code: Codes.invalidByteSize, expected: 'a size such as 512m or 2g', max: BYTES_MAX, unit: ' bytes' });
}

/**
 * A count (replicas, retries) as a whole number in [min, INT32_MAX]; anything else is reported at
 * the node and gives undefined. A string of digits counts, as interpolation yields strings.
 */
export function count(node: PNode | undefined, what: string, ctx: NormalizeContext, min = 0): number | undefined {
  const value = text(node);
  if (value === undefined) return undefined;
  const n = /^\s*[-+]?\d+(\.0*)?\s*$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= min && n <= INT32_MAX) return n;
  report(ctx, Codes.invalidValue, `${what} must be a whole number from ${min} to ${INT32_MAX}, not ${JSON.stringify(node!.kind === 'scalar' ? node!.value : value)}`, node!);
  return undefined;
}

interface Measure {
  readonly code: string;
  readonly expected: string;
  /** The most Kubernetes can hold, in the unit parsed. */
  readonly max: number;
  readonly unit: string;
}

function measured(map: PNode | undefined, key: string, ctx: NormalizeContext, parse: (v: string | number) => number | undefined, m: Measure): number | undefined {
  const node = child(map, key);
  if (node?.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') return undefined;
  const value = parse(node.value);
  if (value === undefined) report(ctx, m.code, `\`${key}\` must be ${m.expected}, not ${JSON.stringify(node.value)}`, node);
  else if (value > m.max) report(ctx, m.code, `\`${key}\` is ${JSON.stringify(node.value)}, more than Kubernetes can hold (${m.max}${m.unit})`, node);
  return value !== undefined && value <= m.max ? value : undefined;
}

/** Reports an error at a node. */
export function report(ctx: NormalizeContext, code: string, message: string, at: PNode | SourcePos): void {
  ctx.diagnostics.push({ severity: 'error', code, message, pos: 'kind' in at ? at.pos : at });
}

/** Reports a warning at a node. */
export function warn(ctx: NormalizeContext, code: string, message: string, at: PNode | SourcePos): void {
  ctx.diagnostics.push({ severity: 'warning', code, message, pos: 'kind' in at ? at.pos : at });
}

