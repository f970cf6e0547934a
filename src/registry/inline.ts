import { isDeepStrictEqual } from 'node:util';
import { stringify, visit } from 'yaml';
import { parseCompose } from '../frontend/parse.js';
import { toPlain, type PNode } from '../frontend/tree.js';
import { readYamlDocument } from '../frontend/yaml-document.js';

/** An inline compose file as a file of its own: its text, and the name its positions belong to. */
export interface InlineCompose {
  readonly text: string;
  readonly name: string;
}

/** The key an inline compose file is found by: where its mapping starts in apps.yaml. */
export const inlineKey = (node: PNode): string => `${node.pos.line}:${node.pos.col}`;

/**
 * Each inline compose mapping of apps.yaml as the text of a compose file. The text is apps.yaml
 * with everything but the mapping blanked out, so that diagnostics about it name apps.yaml at the
 * very line and column. A mapping that is not self-contained (an alias to an anchor outside it)
 * is written out anew instead, named after its place in apps.yaml.
 */
export function inlineComposeFiles(source: string, file: string, nodes: readonly PNode[]): Map<string, InlineCompose> {
  const out = new Map<string, InlineCompose>();
  if (nodes.length === 0) return out;
  const read = readYamlDocument(source);
  const ranges = new Map<number, [number, number]>();
  if ('doc' in read) {
    visit(read.doc, {
      // A mapping comes before its first key, which starts where it does.
      Node: (_key, node) => {
        if (node.range && !ranges.has(node.range[0])) ranges.set(node.range[0], [node.range[0], node.range[1]]);
      },
    });
  }
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  for (const node of nodes) {
    const range = ranges.get(lineStarts[node.pos.line - 1]! + node.pos.col - 1);
    const text = range && blankOutside(source, range);
    const parsed = text === undefined ? undefined : parseCompose(text, file).root;
    const kept = parsed !== undefined && isDeepStrictEqual(toPlain(parsed), toPlain(node));
    out.set(inlineKey(node), kept ? { text: text!, name: file } : { text: stringify(toPlain(node)), name: `${file}:${inlineKey(node)}` });
  }
  return out;
}

/** The text with everything outside `[start, end)` blanked: spaces where the mapping's first line needs them, else empty lines. */
function blankOutside(source: string, [start, end]: [number, number]): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return (blank(source.slice(0, start)) + source.slice(start, end) + blank(source.slice(end))).replace(/^ +$/gm, '');
}
