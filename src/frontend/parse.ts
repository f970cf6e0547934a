import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';
import type { MergeTag, PEntry, PMap, PNode } from './tree.js';
import { MAX_DEPTH, readYamlDocument } from './yaml-document.js';

/** Expanded nodes allowed per source node before aliases count as a "billion laughs" attack. */
const ALIAS_EXPANSION_FACTOR = 100;
const ALIAS_EXPANSION_FLOOR = 10_000;

export interface ParsedFile {
  readonly root?: PMap;
  readonly diagnostics: Diagnostic[];
}

/** A limit the converter hit: alias expansion or, through aliases, nesting depth. */
class ConversionRefused extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Parses one compose file into a positioned tree; syntax problems become diagnostics. */
export function parseCompose(text: string, file: string): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  const read = readYamlDocument(text);
  // The end of input (where an unclosed collection is reported) is shown at the end of the last
  // line with text, not on a line past the file's end.
  const end = text.trimEnd().length;
  const posAt = (offset: number): SourcePos => ({ file, ...read.lines.linePos(Math.min(offset, end)) });
  if ('tooDeepAt' in read) {
    diagnostics.push({ severity: 'error', code: Codes.yamlSyntax, message: `collections nest deeper than ${MAX_DEPTH} levels`, pos: posAt(read.tooDeepAt) });
    return { diagnostics };
  }
  const doc = read.doc;

  for (const e of doc.errors) {
    const code = e.code === 'DUPLICATE_KEY' ? Codes.duplicateKey : Codes.yamlSyntax;
    const message = e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, e.pos[0]) : yamlMessage(e.message);
    const offset = e.pos[0] >= end ? (openedAt(e.message, read.unclosed) ?? e.pos[0]) : e.pos[0];
    diagnostics.push({ severity: 'error', code, message, pos: posAt(offset) });
  }
  if (diagnostics.length > 0) return { diagnostics };

  // A file of comments alone adds nothing, as in docker compose; a set of files that adds up to
  // nothing is reported by the loader.
  if (doc.contents === null) return { root: { kind: 'map', entries: new Map(), pos: { file, line: 1, col: 1 } }, diagnostics };
  const converter = new Converter(anchorTargets(doc), posAt, diagnostics, countNodes(doc.contents));
  let root: PNode;
  try {
    root = converter.convert(doc.contents);
  } catch (e) {
    if (!(e instanceof ConversionRefused)) throw e;
    diagnostics.push(e.diagnostic);
    return { diagnostics };
  }
  if (root.kind !== 'map') {
    diagnostics.push({ severity: 'error', code: Codes.notAMapping, message: `the top level must be a mapping, not a ${describe(root)}`, pos: root.pos });
    return { diagnostics };
  }
  return { root, diagnostics };
}

const OPENERS: Record<string, string> = { ']': '[', '}': '{', '"quote': '"', "'quote": "'" };

/**
 * An error at the end of input about a quote or bracket never closed is shown where it opened
 * ("Missing closing "quote", "… must … end with a ]").
 */
function openedAt(message: string, unclosed: ReadonlyMap<string, number>): number | undefined {
  const closer = /(\]|\}|"quote|'quote)$/.exec(yamlMessage(message))?.[1];
  return closer ? unclosed.get(OPENERS[closer]!) : undefined;
}

function describe(node: PNode): string {
  return node.kind === 'seq' ? 'sequence' : node.kind === 'map' ? 'mapping' : `scalar (${JSON.stringify(node.value)})`;
}

function yamlMessage(message: string): string {
  // The yaml package appends " at line L, column C:" and a code frame; the CLI draws its own.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function duplicateKeyMessage(text: string, offset: number): string {
  const key = /^[^:\n]*/.exec(text.slice(offset))?.[0]?.trim();
  return key ? `duplicate key \`${key}\`` : 'duplicate key';
}

function countNodes(node: unknown): number {
  if (isMap(node) || isSeq(node)) {
    let n = 1;
    for (const item of node.items) n += isMap(node) ? countNodes((item as { value: unknown }).value) + 1 : countNodes(item);
    return n;
  }
  return 1;
}

/**
 * Each alias's target: the last node anchored with its name before it, found in one walk (the
 * yaml package's own resolve walks the whole document per alias, quadratic in big files).
 */
function anchorTargets(doc: Document): Map<Alias, YamlNode> {
  const latest = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = latest.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) latest.set(node.anchor, node);
    },
  });
  return targets;
}

/** Turns yaml's document nodes into PNodes, expanding aliases and `<<` merges within a budget. */
class Converter {
  readonly budget: number;
  private expanded = 0;
  /** Collections open on the current path; aliases can nest deeper than the text does. */
  private depth = 0;
  /** The outermost alias being expanded, where nesting too deep is reported. */
  private aliasAt?: SourcePos;
  /** Alias targets being expanded on the current path, to refuse recursive aliases. */
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly targets: Map<Alias, YamlNode>,
    private readonly posAt: (offset: number) => SourcePos,
    private readonly diagnostics: Diagnostic[],
    sourceNodes: number,
  ) {
    this.budget = Math.max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * sourceNodes);
  }

  convert(node: unknown): PNode {
    if (++this.expanded > this.budget) {
      const message = `alias expansion exceeds ${this.budget} nodes; the document expands exponentially ("billion laughs")`;
      throw new ConversionRefused({ severity: 'error', code: Codes.aliasBomb, message, pos: this.posOf(node) });
    }
    if (isAlias(node)) {
      const target = this.targets.get(node);
      // An alias without an earlier anchor is an error in YAML (and compose).
      if (!target) return this.aliasError(node, `alias \`*${node.source}\` refers to no anchor defined before it`);
      // `a: &x [*x]` would expand forever (a stack overflow long before the budget runs out).
      if (this.expanding.has(target)) return this.aliasError(node, `alias \`*${node.source}\` refers to a node that contains it`);
      const outer = this.aliasAt;
      this.expanding.add(target);
      this.aliasAt = outer ?? this.posOf(node);
      try {
        return this.convert(target);
      } finally {
        this.expanding.delete(target);
        this.aliasAt = outer;
      }
    }
    const pos = this.posOf(node);
    const tag = this.mergeTag(node, pos);
    if (isMap(node) || isSeq(node)) {
      if (++this.depth > MAX_DEPTH) {
        throw new ConversionRefused({ severity: 'error', code: Codes.yamlSyntax, message: `aliases nest collections deeper than ${MAX_DEPTH} levels`, pos: this.aliasAt ?? pos });
      }
      try {
        return isMap(node) ? this.convertMap(node.items, pos, tag) : { kind: 'seq', items: node.items.map((i) => this.convert(i)), pos, tag };
      } finally {
        this.depth--;
      }
    }
    if (isScalar(node)) {
      const value = node.value;
      const plain = typeof value === 'bigint' ? Number(value) : value;
      return { kind: 'scalar', value: normalizeScalar(plain, node.source), pos, tag };
    }
    return { kind: 'scalar', value: null, pos, tag };
  }

  private convertMap(items: readonly { key: unknown; value: unknown }[], pos: SourcePos, tag?: MergeTag): PMap {
    const entries = new Map<string, PEntry>();
    const merged: PMap[] = [];
    for (const { key, value } of items) {
      if (isScalar(key) && typeof key.value === 'symbol') {
        // `<<: *base` or `<<: [*a, *b]`: explicit keys win, earlier merge sources win over later.
        const src = this.convert(value);
        const sources = src.kind === 'seq' ? src.items : [src];
        for (const s of sources) if (s.kind === 'map') merged.push(s);
        continue;
      }
      const keyNode = this.convert(key);
      if (keyNode.kind !== 'scalar' || keyNode.value === null) {
        this.diagnostics.push({ severity: 'error', code: Codes.notAMapping, message: 'mapping keys must be strings', pos: keyNode.pos });
        continue;
      }
      const name = String(keyNode.value);
      entries.set(name, { key: name, keyPos: keyNode.pos, value: value == null ? nullAt(keyNode.pos) : this.convert(value) });
    }
    for (const m of merged) for (const [k, e] of m.entries) if (!entries.has(k)) entries.set(k, e);
    return { kind: 'map', entries, pos, tag };
  }

  private aliasError(node: YamlNode, message: string): PNode {
    const pos = this.posOf(node);
    this.diagnostics.push({ severity: 'error', code: Codes.yamlSyntax, message, pos });
    return { kind: 'scalar', value: null, pos };
  }

  private mergeTag(node: unknown, pos: SourcePos): MergeTag | undefined {
    const tag = (node as { tag?: string }).tag;
    if (tag === '!reset') return 'reset';
    if (tag === '!override') return 'override';
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      this.diagnostics.push({ severity: 'warning', code: Codes.unknownTag, message: `unknown tag \`${tag}\` is ignored`, pos });
    }
    return undefined;
  }

  private posOf(node: unknown): SourcePos {
    const range = (node as YamlNode | undefined)?.range;
    return this.posAt(range ? range[0] : 0);
  }
}

function nullAt(pos: SourcePos): PNode {
  return { kind: 'scalar', value: null, pos };
}

/** YAML 1.1 octal (`0440`), which compose files use for file modes, is kept as written text. */
function normalizeScalar(value: unknown, source: string | undefined): string | number | boolean | null {
  if (typeof value === 'number' && source && /^0[0-7]+$/.test(source)) return source;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}
