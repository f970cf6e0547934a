import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * The compose keys of a file, each removable from the text on its own, so that what a tool does
 * with a key can be told by compiling the file with and without it. Keys are named as a reader
 * would: `ports` (under any service), `deploy.resources`, `label kompose.service.type`, other
 * `labels`, and `top-level volumes`. Removal cuts whole lines from the original text, so every
 * other byte (comments, octal modes, anchors) stays as written.
 */
export interface ComposeKeys {
  readonly ids: readonly string[];
  without(id: string): string;
}

/** One removable entry: a block-mapping pair or a sequence item, with the collection it is in. */
interface Entry {
  readonly id: string;
  readonly node: Pair | Node;
  readonly parent: YAMLMap | YAMLSeq;
  /** The pair holding `parent`, removed instead when every entry of `parent` goes. */
  readonly holder?: Entry;
}

const labelKey = (item: unknown): string | undefined => {
  if (isPair(item) && isScalar(item.key)) return String(item.key.value);
  if (isScalar(item) && typeof item.value === 'string') return item.value.split('=')[0];
  return undefined;
};

function entries(doc: ReturnType<typeof parseDocument>): Entry[] {
  const root = doc.contents;
  if (!isMap(root) || root.flow) return [];
  const out: Entry[] = [];
  const pairs = (map: YAMLMap) => (map.flow ? [] : map.items.filter((p) => isScalar(p.key)));
  for (const top of pairs(root)) {
    const name = String((top.key as { value: unknown }).value);
    if (name !== 'services') {
      out.push({ id: `top-level ${name}`, node: top, parent: root });
      continue;
    }
    if (!isMap(top.value)) continue;
    for (const svc of pairs(top.value)) {
      if (!isMap(svc.value)) continue;
      const svcEntry: Entry = { id: '', node: svc, parent: top.value };
      for (const p of pairs(svc.value)) {
        const key = String((p.key as { value: unknown }).value);
        if (key === '<<') continue; // a YAML merge, not a compose key
        const holder: Entry = { id: key, node: p, parent: svc.value, holder: svcEntry };
        if (key === 'deploy' && isMap(p.value) && !p.value.flow) {
          for (const d of pairs(p.value)) out.push({ id: `deploy.${String((d.key as { value: unknown }).value)}`, node: d, parent: p.value, holder });
        } else if (key === 'labels' && (isMap(p.value) || isSeq(p.value)) && !p.value.flow) {
          // Kompose reads its options from labels: each `kompose.*` label is a key of its own.
          for (const item of p.value.items as unknown[]) {
            const label = labelKey(item);
            if (label === undefined) continue;
            out.push({ id: label.startsWith('kompose.') ? `label ${label}` : 'labels (not kompose.*)', node: item as Node, parent: p.value, holder });
          }
        } else {
          out.push(holder);
        }
      }
    }
  }
  return out;
}

/** Start offset of a pair or node, and the offset where its value ends. */
function span(node: Pair | Node): [number, number] | undefined {
  if (isPair(node)) {
    const start = (node.key as Node | null)?.range?.[0];
    const end = (node.value as Node | null)?.range?.[1] ?? (node.key as Node | null)?.range?.[1];
    return start === undefined || end === undefined ? undefined : [start, end];
  }
  return node.range ? [node.range[0], node.range[1]] : undefined;
}

export function composeKeys(text: string): ComposeKeys {
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'silent' });
  const all = doc.errors.length ? [] : entries(doc);
  const ids = [...new Set(all.map((e) => e.id))].sort();

  /** Line spans [from, to) to cut, widened to a holder when all of a collection's entries go. */
  const cuts = (chosen: readonly Entry[]): [number, number][] => {
    const byParent = new Map<YAMLMap | YAMLSeq, Entry[]>();
    for (const e of chosen) byParent.set(e.parent, [...(byParent.get(e.parent) ?? []), e]);
    return [...byParent].flatMap(([parent, es]) => {
      const whole = es.length === parent.items.length && es[0]!.holder;
      const targets = whole ? [es[0]!.holder!] : es;
      return targets.flatMap((e) => {
        const s = span(e.node);
        if (!s) return [];
        const from = text.lastIndexOf('\n', s[0] - 1) + 1;
        // A line that holds something before the key (`- name:` in a list, `{a: 1}`) cannot be cut whole.
        if (text.slice(from, s[0]).trim() !== '') return [];
        const nl = text.indexOf('\n', Math.max(s[0], s[1] - 1));
        return [[from, nl < 0 ? text.length : nl + 1] as [number, number]];
      });
    });
  };

  return {
    ids,
    without(id) {
      let out = text;
      for (const [from, to] of cuts(all.filter((e) => e.id === id)).sort((a, b) => b[0] - a[0])) out = out.slice(0, from) + out.slice(to);
      return out;
    },
  };
}
