import { Composer, isScalar, Parser, visit, YAMLParseError, type CST, type Document } from 'yaml';
import { Lines } from './lines.js';

/** Nesting allowed in a compose file; real ones stay under 10, and deeper trees would overflow the stack. */
export const MAX_DEPTH = 128;

export type YamlRead =
  | {
      readonly doc: Document;
      readonly lines: Lines;
      /** Opening quotes and brackets the text leaves open (`"`, `'`, `[`, `{`), each kind's last one. */
      readonly unclosed: ReadonlyMap<string, number>;
    }
  | { readonly tooDeepAt: number; readonly lines: Lines };

/**
 * Parses YAML text into one document, refusing nesting beyond MAX_DEPTH before the recursive
 * composer runs: past some depth it overflows the stack, and where it gives up depends on the
 * stack, so the same input would be reported differently from run to run.
 */
export function readYamlDocument(text: string): YamlRead {
  const lines = new Lines(text);
  const tokens = [...new Parser().parse(text)];
  const { tooDeepAt, unclosed } = walk(tokens);
  if (tooDeepAt !== undefined) return { tooDeepAt, lines };
  // Keys written twice are found below, in one pass: the composer's own check compares each key
  // with every earlier one, quadratic in a file of thousands of services.
  const composer = new Composer({ merge: true, uniqueKeys: false, prettyErrors: false });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'a compose file holds one YAML document; this one starts another'));
      break;
    }
  }
  const duplicates = duplicateKeys(doc!);
  if (duplicates.length > 0) doc!.errors = [...doc!.errors, ...duplicates].sort((a, b) => a.pos[0] - b.pos[0]);
  return { doc: doc!, lines, unclosed };
}

/** Keys equal to an earlier key of their mapping (scalars by value, as the composer compares them). */
function duplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const value = isScalar(key) ? key.value : key;
        const at = (key as { range?: [number, number] } | null)?.range?.[0];
        if (seen.has(value) && at !== undefined) errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        seen.add(value);
      }
    },
  });
  return errors;
}


/**
 * One walk over the syntax tree, without recursion: the first collection nested deeper than
 * MAX_DEPTH, and the quoted scalars and flow collections that are never closed.
 */
function walk(tokens: readonly CST.Token[]): { tooDeepAt?: number; unclosed: Map<string, number> } {
  let tooDeepAt: number | undefined;
  const unclosed = new Map<string, number>();
  const open = (token: CST.Token & { offset: number; source?: string }, opener: string) => unclosed.set(opener, Math.max(unclosed.get(opener) ?? 0, token.offset));
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push([token.value, depth]);
        continue;
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        if (!closedQuote(token.source)) open(token, token.source[0]!);
        continue;
      case 'flow-collection':
        if (!token.end.some((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end')) open(token, token.start.source);
        break;
      case 'block-map':
      case 'block-seq':
        break;
      default:
        continue;
    }
    if (depth >= MAX_DEPTH) {
      tooDeepAt = Math.min(tooDeepAt ?? token.offset, token.offset);
      continue;
    }
    for (const item of token.items) {
      if ('key' in item && item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return { tooDeepAt, unclosed };
}

/** Whether a quoted scalar's source ends in its closing quote, not an escaped one (`\\"`, `''`). */
function closedQuote(source: string): boolean {
  const body = source.trimEnd().slice(1);
  if (source.startsWith("'")) return /'*$/.exec(body)![0].length % 2 === 1;
  return body.endsWith('"') && /\\*$/.exec(body.slice(0, -1))![0].length % 2 === 0;
}
