import type { SourcePos } from '../diagnostics.js';
import type { PMap, PNode } from '../frontend/tree.js';

/** What caused an emitted field. */
export type Origin =
  /** A compose key (`services.web.ports[0]`) at its position; `via`: where interpolated variables in it were set (`.env`). */
  | { readonly type: 'compose'; readonly pos: SourcePos; readonly key: string; readonly via?: readonly SourcePos[] }
  /** A policy setting (`security.profile`), from the policy file or its default. */
  | { readonly type: 'policy'; readonly setting: string }
  /** A command-line option (`--sid`). */
  | { readonly type: 'option'; readonly option: string }
  /** tychoc's own choice: what every object of its kind gets. */
  | { readonly type: 'default' };

export const DEFAULT: Origin = { type: 'default' };

/** Finds compose keys: by path in the merged tree, or by the position a model element kept. */
export class ComposeKeys {
  private readonly byPos = new Map<string, string>();

  constructor(private readonly root: PMap) {
    this.index(root, []);
  }

  /** The key at `path` (`['services', 'web', 'image']`), if the compose files set it. */
  at(...path: (string | number)[]): Origin | undefined {
    let node: PNode = this.root;
    for (const seg of path) {
      const next: PNode | undefined = node.kind === 'map' ? node.entries.get(String(seg))?.value : node.kind === 'seq' && typeof seg === 'number' ? node.items[seg] : undefined;
      if (!next) return undefined;
      node = next;
    }
    return this.origin(node, dotted(path));
  }

  /** The first of several keys the compose files set. */
  first(...paths: (string | number)[][]): Origin | undefined {
    for (const p of paths) {
      const found = this.at(...p);
      if (found) return found;
    }
    return undefined;
  }

  /** The key a model element was read from, found by its position (values set elsewhere, as in `.env`, keep theirs in `via`). */
  of(pos: SourcePos | undefined, via?: readonly SourcePos[]): Origin | undefined {
    if (!pos) return undefined;
    return { type: 'compose', pos, key: this.byPos.get(posKey(pos)) ?? '', ...(via?.length ? { via } : {}) };
  }

  private origin(node: PNode, key: string): Origin {
    const via = node.kind === 'scalar' ? node.origins : undefined;
    return { type: 'compose', pos: node.pos, key, ...(via?.length ? { via } : {}) };
  }

  /** Every key and value by position; a block map starts where its first key does, which names it. */
  private index(node: PNode, path: (string | number)[]): void {
    const key = posKey(node.pos);
    const item = typeof path.at(-1) === 'number';
    if ((item || node.kind === 'scalar') && !this.byPos.has(key)) this.byPos.set(key, dotted(path));
    if (node.kind === 'map') {
      for (const [k, e] of node.entries) {
        const keyPos = posKey(e.keyPos);
        if (!this.byPos.has(keyPos)) this.byPos.set(keyPos, dotted([...path, k]));
        this.index(e.value, [...path, k]);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => this.index(item, [...path, i]));
    }
  }
}

const posKey = (p: SourcePos) => `${p.file}:${p.line}:${p.col}`;

/** `services.web.ports[0]`; keys with dots in them are bracketed, as in `labels["com.example"]`. */
export function dotted(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`)).join('');
}
