import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { closest } from '../frontend/suggest.js';
import { child, type PEntry, type PMap } from '../frontend/tree.js';

/** One item of a context's `extends` or `mixin` list. */
interface Edge {
  readonly kind: 'extends' | 'mixin';
  readonly to: string;
  readonly pos: SourcePos;
}

/** One app entry as a context writes it: a layer of that app's definition. */
export interface AppLayer {
  readonly context: string;
  readonly entry: PEntry;
}

/** The contexts of a validated registry, by name, in file order. */
export function contextsOf(root: PMap): ReadonlyMap<string, PEntry> {
  const contexts = child(root, 'contexts');
  return contexts?.kind === 'map' ? contexts.entries : new Map();
}

function edgesOf(context: PEntry, kind: Edge['kind']): Edge[] {
  const list = child(context.value, kind);
  if (list?.kind !== 'seq') return [];
  return list.items.flatMap((item) => (item.kind === 'scalar' && typeof item.value === 'string' ? [{ kind, to: item.value, pos: item.pos }] : []));
}

/**
 * Unknown contexts in `extends` and `mixin`, and cycles through them: each cycle is reported once,
 * at the item that closes it, naming the contexts around it.
 */
export function checkContexts(root: PMap): Diagnostic[] {
  const contexts = contextsOf(root);
  const diagnostics: Diagnostic[] = [];
  const edges = new Map<string, Edge[]>();
  for (const [name, entry] of contexts) {
    const known: Edge[] = [];
    for (const edge of [...edgesOf(entry, 'extends'), ...edgesOf(entry, 'mixin')]) {
      if (contexts.has(edge.to)) {
        known.push(edge);
        continue;
      }
      const hint = closest(edge.to, [...contexts.keys()]);
      const message = `context \`${name}\` ${edge.kind === 'extends' ? 'extends' : 'mixes in'} \`${edge.to}\`, which is not a context${hint ? `; did you mean \`${hint}\`?` : ''}`;
      diagnostics.push({ severity: 'error', code: Codes.unknownContext, message, pos: edge.pos });
    }
    edges.set(name, known);
  }
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): void => {
    path.push(name);
    for (const edge of edges.get(name) ?? []) {
      const back = path.indexOf(edge.to);
      if (back >= 0) {
        const cycle = [...path.slice(back), edge.to].join(' → ');
        diagnostics.push({ severity: 'error', code: Codes.contextCycle, message: `contexts extend or mix in each other in a cycle: ${cycle}`, pos: edge.pos });
      } else if (!done.has(edge.to)) visit(edge.to);
    }
    path.pop();
    done.add(name);
  };
  for (const name of contexts.keys()) if (!done.has(name)) visit(name);
  return diagnostics;
}

/**
 * The app layers of `context`, in merge order: the contexts it extends (depth first, in listed
 * order, each once), each after its own mixins, then its mixins' own apps (and their mixins', not
 * what they extend), then its own apps. Needs an acyclic registry (checkContexts).
 */
export function appLayers(root: PMap, context: string): AppLayer[] {
  const contexts = contextsOf(root);
  const ownApps = (name: string): AppLayer[] => {
    const apps = child(contexts.get(name)?.value, 'apps');
    return apps?.kind === 'map' ? [...apps.entries.values()].map((entry) => ({ context: name, entry })) : [];
  };
  const mixedIn = (name: string, seen: Set<string>): AppLayer[] => {
    const layers: AppLayer[] = [];
    for (const { to } of edgesOf(contexts.get(name)!, 'mixin')) {
      if (seen.has(to)) continue;
      seen.add(to);
      layers.push(...mixedIn(to, seen), ...ownApps(to));
    }
    return layers;
  };
  const inherited = (name: string, seen: Set<string>): AppLayer[] => {
    const layers: AppLayer[] = [];
    for (const { to } of edgesOf(contexts.get(name)!, 'extends')) {
      if (seen.has(to)) continue;
      seen.add(to);
      layers.push(...inherited(to, seen));
    }
    return [...layers, ...mixedIn(name, new Set()), ...ownApps(name)];
  };
  return inherited(context, new Set([context]));
}
