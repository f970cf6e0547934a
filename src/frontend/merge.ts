import type { PEntry, PMap, PNode, PSeq, ScalarValue } from './tree.js';
import { child, scalarLike, toPlain } from './tree.js';
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

/**
 * The rules below name attributes by pattern, `*` standing for the resource's name:
 * `services.web.build.args` is `services.*.build.args` (as compose-go's override package does).
 */
function attribute(path: readonly string[]): string {
  return path.map((seg, i) => (i === 1 ? '*' : seg)).join('.');
}

/** Service attributes whose sequences replace instead of appending. */
const REPLACED = new Set(['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test']);
/** Attributes written as a list or a mapping (`[A=1]` or `{A: 1}`): merged as mappings of name to value. */
const LIST_OR_DICT = new Set([
  'services.*.environment', 'services.*.labels', 'services.*.sysctls', 'services.*.annotations',
  'services.*.build.args', 'services.*.build.labels', 'services.*.build.additional_contexts', 'services.*.deploy.labels',
  'networks.*.labels', 'volumes.*.labels',
]);
/** Attributes written as one string or a list of them: a lone string merges as a list of one. */
const STRING_OR_LIST = new Set(['services.*.dns', 'services.*.dns_search', 'services.*.tmpfs', 'services.*.env_file', 'services.*.label_file']);
/** `extra_hosts` as a mapping (`{host: ip}` or `{host: [ip, ip]}`) merges as its list form, `host=ip`. */
const HOSTS = new Set(['services.*.extra_hosts', 'services.*.build.extra_hosts']);
/**
 * Attributes written as a list of names or a mapping keyed by name; when either side is a
 * mapping, a listed name becomes an entry with compose's defaults (as compose-go merges them).
 */
const NAMES_OR_MAP: Record<string, (at: PNode) => PNode> = {
  'services.*.depends_on': (at) => mapAt(at, { condition: 'service_started', required: true }),
  'services.*.networks': (at) => scalarLike(at, null),
};

function mapAt(at: PNode, values: Record<string, ScalarValue>): PMap {
  const entries = new Map<string, PEntry>();
  for (const [key, value] of Object.entries(values)) entries.set(key, { key, keyPos: at.pos, value: scalarLike(at, value) });
  return { kind: 'map', entries, pos: at.pos };
}

function scalarText(item: PNode): string {
  return item.kind === 'scalar' ? String(item.value) : '';
}

/** Sequences whose items are unique by a key: a later item replaces an earlier one with the same key. */
const UNIQUE: Record<string, Keyer> = {
  'services.*.ports': (item) => {
    if (item.kind === 'map') {
      const get = (k: string) => scalarText(child(item, k) ?? { kind: 'scalar', value: '', pos: item.pos });
      return `${get('host_ip')}:${get('published')}:${get('target')}/${get('protocol') || 'tcp'}`;
    }
    const spec = parsePortSpec(scalarText(item));
    return spec ? `${spec.hostIp ?? ''}:${spec.published ?? ''}:${spec.target}/${spec.protocol}` : scalarText(item);
  },
  'services.*.volumes': (item) => volumeTarget(item) ?? JSON.stringify(item),
  'services.*.secrets': (item) => targetOf(item, '/run/secrets/'),
  'services.*.configs': (item) => targetOf(item, '/'),
  'services.*.env_file': (item) => scalarText(item.kind === 'map' ? (child(item, 'path') ?? item) : item),
  'services.*.devices': (item) => (item.kind === 'map' ? scalarText(child(item, 'target') ?? item) : scalarText(item).split(':')[1] ?? scalarText(item)),
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
  const attr = attribute(path);
  const either = (kind: PNode['kind']) => base.kind === kind || over.kind === kind;
  if (REPLACED.has(attr)) return over;
  if (LIST_OR_DICT.has(attr)) return mergeMap(asMap(base), asMap(over), path);
  const entry = NAMES_OR_MAP[attr];
  if (entry && either('map')) return mergeMap(namesAsMap(base, entry), namesAsMap(over, entry), path);
  if (attr === 'services.*.build' && either('map')) return mergeMap(buildAsMap(base), buildAsMap(over), path);
  if (HOSTS.has(attr) && either('map')) return appendUnique(hostsAsSeq(base), hostsAsSeq(over));
  if (STRING_OR_LIST.has(attr)) return mergeSeqs(asSeq(base), asSeq(over), attr);
  if (base.kind === 'map' && over.kind === 'map') return mergeMap(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') return mergeSeqs(base, over, attr);
  return over;
}

function mergeSeqs(base: PSeq, over: PSeq, attr: string): PSeq {
  const keyer = UNIQUE[attr];
  return keyer ? mergeUnique(base, over, keyer) : appendUnique(base, over);
}

/** Sequences append; an item equal to one already there is not repeated (compose-go dedupes). */
function appendUnique(base: PSeq, over: PSeq): PSeq {
  const seen = new Set(base.items.map((i) => JSON.stringify(toPlain(i))));
  const items = [...base.items];
  for (const i of over.items) if (!seen.has(JSON.stringify(toPlain(i)))) items.push(i);
  return { kind: 'seq', items, pos: base.pos };
}

function mergeUnique(base: PSeq, over: PSeq, keyOf: Keyer): PSeq {
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

/** A string-or-list attribute as a list: `dns: 8.8.8.8` is `dns: [8.8.8.8]`, and null is empty. */
function asSeq(node: PNode): PSeq {
  if (node.kind === 'seq') return node;
  return { kind: 'seq', items: node.kind === 'scalar' && node.value === null ? [] : [node], pos: node.pos };
}

/** A list of names as a mapping of each name to compose's default entry for it. */
function namesAsMap(node: PNode, entry: (at: PNode) => PNode): PMap {
  if (node.kind !== 'seq') return asMap(node);
  const entries = new Map<string, PEntry>();
  for (const item of node.items) entries.set(scalarText(item), { key: scalarText(item), keyPos: item.pos, value: entry(item) });
  return { kind: 'map', entries, pos: node.pos };
}

/** `build: ./dir` is short for `build: {context: ./dir}`. */
function buildAsMap(node: PNode): PMap {
  if (node.kind === 'map') return node;
  const entries = new Map<string, PEntry>();
  if (node.kind === 'scalar' && node.value !== null) entries.set('context', { key: 'context', keyPos: node.pos, value: node });
  return { kind: 'map', entries, pos: node.pos };
}

/** `extra_hosts` as a list: `{db: 10.0.0.2}` is `[db=10.0.0.2]`, and a list of addresses gives one item each. */
function hostsAsSeq(node: PNode): PSeq {
  if (node.kind !== 'map') return asSeq(node);
  const items = [...node.entries.values()].flatMap((e) =>
    (e.value.kind === 'seq' ? e.value.items : [e.value]).map((ip) => scalarLike(ip, `${e.key}=${scalarText(ip)}`)),
  );
  return { kind: 'seq', items, pos: node.pos };
}

/**
 * The tree without `!reset` values, which merging leaves wherever there was nothing to reset:
 * in the first file, and inside what a later file adds. compose-go drops them from every file.
 */
export function dropResets<T extends PNode>(node: T): T {
  if (node.kind === 'map') {
    const entries = new Map<string, PEntry>();
    for (const [key, e] of node.entries) if (e.value.tag !== 'reset') entries.set(key, { ...e, value: dropResets(e.value) });
    return { ...node, entries };
  }
  if (node.kind === 'seq') return { ...node, items: node.items.filter((i) => i.tag !== 'reset').map(dropResets) };
  return node;
}

function stripTag(node: PNode): PNode {
  return node.tag ? { ...node, tag: undefined } : node;
}

