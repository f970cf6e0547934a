import type { PEntry, PMap, PNode } from './tree.js';
import { child, toPlain } from './tree.js';
import { parsePortSpec } from './ports.js';
import { volumeTarget } from './volumes.js';

/**
 * Compose-spec merging of one file's tree onto another's: mappings merge by key, sequences
 * append, shell commands replace, and "unique resources" merge by their identifying key.
 * `!reset` removes a value and `!override` replaces it whole.
 */
export function mergeTrees(base: PMap, override: PMap): PMap {
  return mergeMap(base, override, []);
}

/** Merges one service definition onto another with the same rules (for `extends`). */
export function mergeService(base: PMap, override: PMap): PMap {
  return mergeMap(base, override, ['services', '']);
}

type Keyer = (item: PNode) => string;

/** Service attributes whose sequences replace instead of appending. */
const REPLACED = new Set(['command', 'entrypoint', 'test']);
/** Service attributes written as a list or a mapping: merged as mappings of name to value. */
const LIST_OR_DICT = new Set(['environment', 'labels', 'sysctls', 'annotations']);

function scalarText(item: PNode): string {
  return item.kind === 'scalar' ? String(item.value) : '';
}

const UNIQUE: Record<string, Keyer> = {
  ports: (item) => {
    if (item.kind === 'map') {
      const get = (k: string) => scalarText(child(item, k) ?? { kind: 'scalar', value: '', pos: item.pos });
      return `${get('host_ip')}:${get('published')}:${get('target')}/${get('protocol') || 'tcp'}`;
    }
    const spec = parsePortSpec(scalarText(item));
    return spec ? `${spec.hostIp ?? ''}:${spec.published ?? ''}:${spec.target}/${spec.protocol}` : scalarText(item);
  },
  volumes: (item) => volumeTarget(item) ?? JSON.stringify(item),
  secrets: (item) => targetOf(item, '/run/secrets/'),
  configs: (item) => targetOf(item, '/'),
  devices: (item) => (item.kind === 'map' ? scalarText(child(item, 'target') ?? item) : scalarText(item).split(':')[1] ?? scalarText(item)),
};

function targetOf(item: PNode, dir: string): string {
  if (item.kind === 'map') {
    const target = child(item, 'target');
    return target ? scalarText(target) : dir + scalarText(child(item, 'source') ?? item);
  }
  return dir + scalarText(item);
}

function mergeMap(base: PMap, over: PMap, path: readonly string[]): PMap {
  const entries = new Map<string, PEntry>(base.entries);
  for (const [key, e] of over.entries) {
    if (e.value.tag === 'reset') {
      entries.delete(key);
      continue;
    }
    const prior = entries.get(key);
    const value = prior && e.value.tag !== 'override' ? mergeNode(prior.value, e.value, [...path, key]) : stripTag(e.value);
    entries.set(key, { key, keyPos: prior?.keyPos ?? e.keyPos, value });
  }
  return { kind: 'map', entries, pos: base.pos };
}

function mergeNode(base: PNode, over: PNode, path: readonly string[]): PNode {
  const key = path[path.length - 1]!;
  const inService = path[0] === 'services' && path.length >= 3;
  if (inService && LIST_OR_DICT.has(key) && path.length === 3) return mergeMap(asMap(base), asMap(over), path);
  if (base.kind === 'map' && over.kind === 'map') return mergeMap(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') {
    if (inService && REPLACED.has(key)) return over;
    const keyer = inService && path.length === 3 ? UNIQUE[key] : undefined;
    return keyer ? mergeUnique(base, over, keyer) : appendUnique(base, over);
  }
  return over;
}

/** Sequences append; an item equal to one already there is not repeated (compose-go dedupes). */
function appendUnique(base: PNode & { kind: 'seq' }, over: PNode & { kind: 'seq' }): PNode {
  const seen = new Set(base.items.map((i) => JSON.stringify(toPlain(i))));
  const items = [...base.items];
  for (const i of over.items) if (!seen.has(JSON.stringify(toPlain(i)))) items.push(i);
  return { kind: 'seq', items, pos: base.pos };
}

function mergeUnique(base: PNode & { kind: 'seq' }, over: PNode & { kind: 'seq' }, keyOf: Keyer): PNode {
  const byKey = new Map<string, PNode>();
  for (const i of base.items) byKey.set(keyOf(i), i);
  for (const i of over.items) byKey.set(keyOf(i), i);
  return { kind: 'seq', items: [...byKey.values()], pos: base.pos };
}

/** A list-or-dict attribute as a mapping: `["A=1", "B"]` becomes `{A: "1", B: null}`. */
export function asMap(node: PNode): PMap {
  if (node.kind === 'map') return node;
  const entries = new Map<string, PEntry>();
  if (node.kind === 'seq') {
    for (const item of node.items) {
      const text = scalarText(item);
      const eq = text.indexOf('=');
      const key = eq < 0 ? text : text.slice(0, eq);
      const value: PNode = { kind: 'scalar', value: eq < 0 ? null : text.slice(eq + 1), pos: item.pos };
      entries.set(key, { key, keyPos: item.pos, value });
    }
  }
  return { kind: 'map', entries, pos: node.pos };
}

function stripTag(node: PNode): PNode {
  return node.tag ? { ...node, tag: undefined } : node;
}

