import type { SourcePos } from '../diagnostics.js';
import { setOwn } from '../object-keys.js';

/**
 * The positioned document tree every front-end stage works on: YAML nodes reduced to
 * maps, sequences and scalars, each remembering where it was written.
 */
export type PNode = PMap | PSeq | PScalar;

/** Compose's merge tags: `!reset` drops a value, `!override` replaces instead of merging. */
export type MergeTag = 'reset' | 'override';

interface PBase {
  readonly pos: SourcePos;
  readonly tag?: MergeTag;
}

export interface PEntry {
  readonly key: string;
  readonly keyPos: SourcePos;
  readonly value: PNode;
}

export interface PMap extends PBase {
  readonly kind: 'map';
  readonly entries: ReadonlyMap<string, PEntry>;
}

export interface PSeq extends PBase {
  readonly kind: 'seq';
  readonly items: readonly PNode[];
}

export type ScalarValue = string | number | boolean | null;

export interface PScalar extends PBase {
  readonly kind: 'scalar';
  readonly value: ScalarValue;
  /** Where interpolated variables were defined (a `.env` line, say), when any were used. */
  readonly origins?: readonly SourcePos[];
}

/** The value under `key`, if `node` is a map that has it. */
export function child(node: PNode | undefined, key: string): PNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

/** Plain JSON for schema validation and simple reads; positions are dropped. */
export function toPlain(node: PNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) setOwn(out, k, toPlain(e.value));
      return out;
    }
  }
}

/** The node at a JSON-pointer-like path (`/services/web/ports/0`), for positioning errors. */
export function nodeAt(root: PNode, path: readonly string[]): { node: PNode; keyPos?: SourcePos } | undefined {
  let node: PNode = root;
  let keyPos: SourcePos | undefined;
  for (const seg of path) {
    if (node.kind === 'map') {
      const e = node.entries.get(seg);
      if (!e) return undefined;
      node = e.value;
      keyPos = e.keyPos;
    } else if (node.kind === 'seq') {
      const item = node.items[Number(seg)];
      if (!item) return undefined;
      node = item;
      keyPos = undefined;
    } else {
      return undefined;
    }
  }
  return { node, keyPos };
}

/** A copy of `map` with `key` set to `value` (position of an existing key kept). */
export function withEntry(map: PMap, key: string, value: PNode): PMap {
  const entries = new Map(map.entries);
  const prior = entries.get(key);
  entries.set(key, { key, keyPos: prior?.keyPos ?? value.pos, value });
  return { ...map, entries };
}

/** A copy of `map` with each entry's value replaced by `fn(value, key)`. */
export function mapEntries(map: PMap, fn: (value: PNode, key: string) => PNode): PMap {
  const entries = new Map<string, PEntry>();
  for (const [k, e] of map.entries) entries.set(k, { ...e, value: fn(e.value, k) });
  return { ...map, entries };
}

/** A scalar that takes the place (and position) of `at`. */
export function scalarLike(at: PNode, value: ScalarValue): PScalar {
  return { kind: 'scalar', value, pos: at.pos, ...(at.kind === 'scalar' && at.origins ? { origins: at.origins } : {}) };
}
