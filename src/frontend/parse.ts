import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';
import type { MergeTag, PEntry, PMap, PNode } from './tree.js';

/** Expanded nodes allowed per source node before aliases count as a "billion laughs" attack. */
const ALIAS_EXPANSION_FACTOR = 100;
const ALIAS_EXPANSION_FLOOR = 10_000;

export interface ParsedFile {
  readonly root?: PMap;
  readonly diagnostics: Diagnostic[];
}

class AliasBudgetExceeded extends Error {
  constructor(readonly pos: SourcePos) {
    super('alias budget exceeded');
  }
}

/** Parses one compose file into a positioned tree; syntax problems become diagnostics. */
export function parseCompose(text: string, file: string): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: true, prettyErrors: false });
  const posAt = (offset: number): SourcePos => ({ file, ...lc.linePos(offset) });

  for (const e of doc.errors) {
    const code = e.code === 'DUPLICATE_KEY' ? Codes.duplicateKey : Codes.yamlSyntax;
    const message = e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(text, e.pos[0]) : yamlMessage(e.message);
    diagnostics.push({ severity: 'error', code, message, pos: posAt(e.pos[0]) });
  }
  if (diagnostics.length > 0) return { diagnostics };

  // A file of comments alone adds nothing, as in docker compose; a set of files that adds up to
  // nothing is reported by the loader.
  if (doc.contents === null) return { root: { kind: 'map', entries: new Map(), pos: { file, line: 1, col: 1 } }, diagnostics };
  const converter = new Converter(doc, posAt, diagnostics, countNodes(doc.contents));
  let root: PNode;
  try {
    root = converter.convert(doc.contents);
  } catch (e) {
    if (!(e instanceof AliasBudgetExceeded)) throw e;
    diagnostics.push({
      severity: 'error',
      code: Codes.aliasBomb,
      message: `alias expansion exceeds ${converter.budget} nodes; the document expands exponentially ("billion laughs")`,
      pos: e.pos,
    });
    return { diagnostics };
  }
  if (root.kind !== 'map') {
    diagnostics.push({ severity: 'error', code: Codes.notAMapping, message: `the top level must be a mapping, not a ${describe(root)}`, pos: root.pos });
    return { diagnostics };
  }
  return { root, diagnostics };
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

/** Turns yaml's document nodes into PNodes, expanding aliases and `<<` merges within a budget. */
class Converter {
  readonly budget: number;
  private expanded = 0;
  /** Alias targets being expanded on the current path, to refuse recursive aliases. */
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly posAt: (offset: number) => SourcePos,
    private readonly diagnostics: Diagnostic[],
    sourceNodes: number,
  ) {
    this.budget = Math.max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * sourceNodes);
  }

  convert(node: unknown): PNode {
    if (++this.expanded > this.budget) throw new AliasBudgetExceeded(this.posOf(node));
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      // The yaml package resolves an alias without an earlier anchor to nothing; YAML (and compose) reject it.
      if (!target) return this.aliasError(node, `alias \`*${node.source}\` refers to no anchor defined before it`);
      // `a: &x [*x]` would expand forever (a stack overflow long before the budget runs out).
      if (this.expanding.has(target)) return this.aliasError(node, `alias \`*${node.source}\` refers to a node that contains it`);
      this.expanding.add(target);
      try {
        return this.convert(target);
      } finally {
        this.expanding.delete(target);
      }
    }
    const pos = this.posOf(node);
    const tag = this.mergeTag(node, pos);
    if (isMap(node)) return this.convertMap(node.items, pos, tag);
    if (isSeq(node)) return { kind: 'seq', items: node.items.map((i) => this.convert(i)), pos, tag };
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
