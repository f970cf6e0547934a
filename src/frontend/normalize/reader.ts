import type { Diagnostic, SourcePos } from '../../diagnostics.js';
import { Codes } from '../codes.js';
import { child, type PMap, type PNode } from '../tree.js';
import { parseBytes, parseDuration } from '../units.js';

/** Shared state of one normalization: where diagnostics go and where the project lives. */
export interface NormalizeContext {
  readonly diagnostics: Diagnostic[];
  readonly projectDir: string;
  readonly projectName: string;
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

/** A duration field in seconds; a malformed one is reported and treated as absent. */
export function duration(map: PNode | undefined, key: string, ctx: NormalizeContext): number | undefined {
  return measured(map, key, ctx, parseDuration, Codes.invalidDuration, 'a duration such as 30s or 1m30s');
}

/** A byte-size field in bytes; a malformed one is reported and treated as absent. */
export function bytes(map: PNode | undefined, key: string, ctx: NormalizeContext): number | undefined {
  return measured(map, key, ctx, parseBytes, Codes.invalidByteSize, 'a size such as 512m or 2g');
}

function measured(
  map: PNode | undefined,
  key: string,
  ctx: NormalizeContext,
  parse: (v: string | number) => number | undefined,
  code: string,
  expected: string,
): number | undefined {
  const node = child(map, key);
  if (node?.kind !== 'scalar' || node.value === null || typeof node.value === 'boolean') return undefined;
  const value = parse(node.value);
  if (value === undefined) report(ctx, code, `\`${key}\` must be ${expected}, not ${JSON.stringify(node.value)}`, node);
  return value;
}

/** Reports an error at a node. */
export function report(ctx: NormalizeContext, code: string, message: string, at: PNode | SourcePos): void {
  ctx.diagnostics.push({ severity: 'error', code, message, pos: 'kind' in at ? at.pos : at });
}

/** Reports a warning at a node. */
export function warn(ctx: NormalizeContext, code: string, message: string, at: PNode | SourcePos): void {
  ctx.diagnostics.push({ severity: 'warning', code, message, pos: 'kind' in at ? at.pos : at });
}

