import { setOwn } from '../object-keys.js';
import type { SourcePos } from '../diagnostics.js';
import type { PEntry, PMap, PNode } from '../frontend/tree.js';

/** App keys whose value names one thing as a whole, so that a later layer replaces it instead of merging into it. */
const REPLACED = new Set(['compose']);

/**
 * `over` laid onto `base`, one layer of an app's definition onto the layers before it: mappings
 * merge key by key, sequences and scalars replace, `compose` replaces whole. As in compose files,
 * `!override` replaces a mapping instead of merging it and `!reset` removes what earlier layers set.
 * Neither input is changed, and positions stay with the layer that wrote each value.
 */
export function mergeLayer(base: PMap, over: PMap): PMap {
  return mergeMaps(base, over, REPLACED);
}

function mergeMaps(base: PMap, over: PMap, replaced: ReadonlySet<string>): PMap {
  const entries = new Map<string, PEntry>(base.entries);
  for (const [key, e] of over.entries) {
    if (e.value.tag === 'reset') {
      entries.delete(key);
      continue;
    }
    const prior = entries.get(key)?.value;
    const merges = prior?.kind === 'map' && e.value.kind === 'map' && e.value.tag !== 'override' && !replaced.has(key);
    const value = merges ? mergeMaps(prior, e.value as PMap, NONE) : replaced.has(key) ? e.value : withoutResets(e.value);
    entries.set(key, { ...e, value });
  }
  return { ...over, kind: 'map', entries };
}

/** A value that lands where nothing was: its `!reset` keys have nothing to remove, and go. */
function withoutResets(node: PNode): PNode {
  return node.kind === 'map' ? mergeMaps({ ...node, entries: new Map() }, node, NONE) : node;
}

const NONE: ReadonlySet<string> = new Set();

/** Plain data (a built-in layer) as a positioned tree, every node at `pos`. */
export function fromPlain(value: unknown, pos: SourcePos): PNode {
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v) => fromPlain(v, pos)), pos };
  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, PEntry>();
    for (const [key, v] of Object.entries(value)) entries.set(key, { key, keyPos: pos, value: fromPlain(v, pos) });
    return { kind: 'map', entries, pos };
  }
  return { kind: 'scalar', value: value as string | number | boolean | null, pos };
}

/** Plain data of a layer as it stands alone: a `!reset` key removes a value, so it has none. */
export function plainWithoutResets(node: PNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plainWithoutResets);
  const out: Record<string, unknown> = {};
  for (const [key, e] of node.entries) if (e.value.tag !== 'reset') setOwn(out, key, plainWithoutResets(e.value));
  return out;
}
