import fc from 'fast-check';
import { Alias, Document, isMap, isScalar, Pair, parseDocument, Scalar, visit, type Node as YamlNode, type YAMLMap } from 'yaml';
import { edgeScalar, EDGES } from './edges.js';

/**
 * Edits to a compose file, each picking its place by index (modulo the places there are), so that
 * a list of them applies to any document and shrinks with it.
 */
export type Mutation =
  | { readonly op: 'delete' | 'duplicate'; readonly at: number }
  | { readonly op: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly op: 'swapType'; readonly at: number }
  | { readonly op: 'tag'; readonly at: number; readonly tag: string }
  | { readonly op: 'alias' | 'merge'; readonly at: number; readonly to: number }
  | { readonly op: 'interpolate'; readonly at: number; readonly text: string }
  | { readonly op: 'reference'; readonly at: number; readonly what: Reference }
  | { readonly op: 'grow'; readonly bytes: number }
  | { readonly op: 'text'; readonly at: number; readonly edit: 'deleteLine' | 'duplicateLine' | 'indent' | 'dedent' | 'insert' | 'truncate'; readonly chars: string };

type Reference = 'extendsMissingFile' | 'extendsSelfFile' | 'extendsSelf' | 'extendsUnknown' | 'includeMissing' | 'includeSelf' | 'includeOther';

const at = fc.nat();
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('delete', 'duplicate'), at }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace'), at, value: fc.oneof({ weight: 4, arbitrary: edgeScalar }, { weight: 1, arbitrary: fc.array(edgeScalar, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...EDGES.names), edgeScalar, { maxKeys: 2 }) }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapType'), at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tag'), at, tag: fc.constantFrom('!reset', '!override', '!bogus', '!!str', '!!int', '!!binary') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('alias', 'merge'), at, to: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('interpolate'), at, text: fc.constantFrom(...EDGES.interpolation) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reference'), at, what: fc.constantFrom<Reference>('extendsMissingFile', 'extendsSelfFile', 'extendsSelf', 'extendsUnknown', 'includeMissing', 'includeSelf', 'includeOther') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('text'), at, edit: fc.constantFrom('deleteLine', 'duplicateLine', 'indent', 'dedent', 'insert', 'truncate'), chars: fc.string({ unit: fc.constantFrom(...':-[]{}#&*!|>\'" \t\n'.split('')), minLength: 1, maxLength: 3 }) }) },
);

/** Applies mutations in order; one the document cannot take (or cannot print) is skipped. */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  let anchors = 0;
  for (const m of mutations) {
    if (m.op === 'text') {
      out = editText(out, m);
      continue;
    }
    if (m.op === 'grow') {
      out = grow(out, m.bytes);
      continue;
    }
    const doc = parseDocument(out, { merge: true, uniqueKeys: false, logLevel: 'silent' });
    if (doc.errors.length > 0 || !doc.contents) continue;
    try {
      applyTo(doc, m, () => `a${++anchors}`);
      out = doc.toString({ lineWidth: 0 });
    } catch {
      // An alias before its anchor and the like cannot be printed; the mutation is dropped.
    }
  }
  return out;
}

function applyTo(doc: Document, m: Exclude<Mutation, { op: 'text' | 'grow' }>, anchorName: () => string): void {
  switch (m.op) {
    case 'delete':
      return onPair(doc, m.at, () => visit.REMOVE);
    case 'duplicate':
      return onMap(doc, m.at, (map) => {
        const pair = map.items[m.at % map.items.length];
        if (pair) map.items.push(new Pair(pair.key, doc.createNode(structuredClone(toJs(pair.value)))));
      });
    case 'replace':
      return onNode(doc, m.at, () => doc.createNode(m.value));
    case 'swapType':
      return onNode(doc, m.at, (node) => {
        const value = toJs(node);
        if (Array.isArray(value)) return doc.createNode(Object.fromEntries(value.map((v, i) => [String(i), v])));
        if (value !== null && typeof value === 'object') return doc.createNode(Object.keys(value));
        return doc.createNode([value]);
      });
    case 'tag':
      return onNode(doc, m.at, (node) => {
        node.tag = m.tag;
      });
    case 'alias':
    case 'merge': {
      const nodes = allNodes(doc);
      const source = nodes[m.to % nodes.length]!;
      if (!source.anchor) source.anchor = anchorName();
      if (m.op === 'alias') return onNode(doc, m.at, () => new Alias(source.anchor!));
      return onMap(doc, m.at, (map) => void map.items.unshift(new Pair(new Scalar('<<'), new Alias(source.anchor!))));
    }
    case 'interpolate':
      return onNode(doc, m.at, (node) => (isScalar(node) ? doc.createNode(`${String(node.value)}${m.text}`) : undefined));
    case 'reference':
      return addReference(doc, m.at, m.what);
  }
}

function addReference(doc: Document, index: number, what: Reference): void {
  if (what === 'includeMissing' || what === 'includeSelf' || what === 'includeOther') {
    doc.set('include', [{ includeMissing: 'missing.yaml', includeSelf: 'compose.yaml', includeOther: 'other.yaml' }[what]]);
    return;
  }
  const services = doc.get('services');
  if (!isMap(services) || services.items.length === 0) return;
  const pair = services.items[index % services.items.length]!;
  const name = String((pair.key as Scalar).value);
  const target = { extendsMissingFile: { file: 'missing.yaml', service: name }, extendsSelfFile: { file: 'compose.yaml', service: name }, extendsSelf: name, extendsUnknown: 'nope' }[what];
  if (isMap(pair.value)) pair.value.set('extends', doc.createNode(target));
}

/** Copies of the first service under new names until the text is about `bytes` long. */
function grow(text: string, bytes: number): string {
  const doc = parseDocument(text, { logLevel: 'silent' });
  const services = doc.get('services');
  if (!isMap(services) || services.items.length === 0) return text;
  const first = services.items[0]!.value;
  const one = doc.createNode(toJs(first));
  // Each copy as printed: `  grown<i>:` and the service indented under it.
  const printed = String(new Document({ grown: toJs(first) })).split('\n').filter((l) => l !== '');
  const size = printed.reduce((n, l) => n + l.length + 3, 0);
  for (let i = 0, total = 0; total < bytes; i++, total += size + String(i).length) services.items.push(new Pair(new Scalar(`grown${i}`), one));
  try {
    return doc.toString({ lineWidth: 0 });
  } catch {
    return text;
  }
}

function editText(text: string, m: Extract<Mutation, { op: 'text' }>): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  switch (m.edit) {
    case 'deleteLine':
      lines.splice(i, 1);
      break;
    case 'duplicateLine':
      lines.splice(i, 0, lines[i] ?? '');
      break;
    case 'indent':
      lines[i] = ` ${lines[i] ?? ''}`;
      break;
    case 'dedent':
      lines[i] = (lines[i] ?? '').replace(/^ /, '');
      break;
    case 'insert': {
      const line = lines[i] ?? '';
      const col = m.at % (line.length + 1);
      lines[i] = line.slice(0, col) + m.chars + line.slice(col);
      break;
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
  return lines.join('\n');
}

function toJs(node: unknown): any {
  return node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
}

function allNodes(doc: Document): YamlNode[] {
  const nodes: YamlNode[] = [];
  visit(doc, { Node: (_k, node) => void nodes.push(node) });
  return nodes;
}

/** Calls `fn` on the index-th node (Scalar, Map, Seq, Alias); what it returns replaces the node. */
function onNode(doc: Document, index: number, fn: (node: YamlNode) => YamlNode | symbol | void): void {
  const count = allNodes(doc).length;
  let n = 0;
  // The root itself is not replaced: a document that is no longer a mapping is one edit among many.
  visit(doc, { Node: (_k, node) => (n++ === index % count && n > 1 ? fn(node) : undefined) });
}

function onPair(doc: Document, index: number, fn: (pair: Pair) => Pair | symbol | void): void {
  let count = 0;
  visit(doc, { Pair: () => void count++ });
  let n = 0;
  if (count > 0) visit(doc, { Pair: (_k, pair) => (n++ === index % count ? fn(pair as Pair) : undefined) });
}

function onMap(doc: Document, index: number, fn: (map: YAMLMap) => void): void {
  const maps = allNodes(doc).filter(isMap);
  if (maps.length > 0) fn(maps[index % maps.length]!);
}
