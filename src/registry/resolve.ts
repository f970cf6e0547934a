import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { closest } from '../frontend/suggest.js';
import { child, nodeAt, type PMap } from '../frontend/tree.js';
import { BUILTIN_APP, toResolvedApp } from './app.js';
import { appLayers } from './contexts.js';
import { fromPlain, mergeLayer } from './merge.js';
import type { Registry, ResolvedApp } from './types.js';

/** An app's definition so far: its merged layers and where the last context that wrote it did. */
interface Definition {
  readonly merged: PMap;
  readonly pos: SourcePos;
}

/**
 * The apps of a context, each merged from its layers in the documented order: built-in defaults,
 * the registry's `defaults`, the contexts it extends, its mixins, its own entries. A key tagged
 * `!override` starts an app anew from the defaults; `!reset` removes it. Every call builds its
 * own values from the loaded tree, which nothing changes: no app leaks from one context into another.
 */
export function resolveContextApps(registry: Registry, context = registry.defaultContext): { apps: ReadonlyMap<string, ResolvedApp>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { root } = registry.data;
  if (!registry.contexts.includes(context)) {
    const hint = closest(context, registry.contexts);
    const message = `\`${context}\` is not a context of the registry${hint ? `; did you mean \`${hint}\`?` : `; contexts: ${registry.contexts.join(', ')}`}`;
    diagnostics.push({ severity: 'error', code: Codes.unknownContext, message, pos: nodeAt(root, ['contexts'])?.keyPos ?? root.pos });
    return { apps: new Map(), diagnostics };
  }
  const start = startingLayer(root);
  const definitions = new Map<string, Definition>();
  for (const { entry } of appLayers(root, context)) {
    const layer = entry.value;
    if (layer.tag === 'reset') {
      definitions.delete(entry.key);
      continue;
    }
    if (layer.kind !== 'map') continue;
    const base = layer.tag === 'override' ? start : (definitions.get(entry.key)?.merged ?? start);
    definitions.set(entry.key, { merged: mergeLayer(base, layer), pos: entry.keyPos });
  }
  const apps = new Map<string, ResolvedApp>();
  for (const [id, { merged, pos }] of definitions) {
    const app = toResolvedApp(id, context, merged, pos, registry.data, diagnostics);
    if (app) apps.set(id, app);
  }
  return { apps, diagnostics };
}

/** What every app starts from: the built-in defaults with the registry's `defaults` over them. */
function startingLayer(root: PMap): PMap {
  const builtin = fromPlain(BUILTIN_APP, root.pos) as PMap;
  const defaults = child(root, 'defaults');
  return defaults?.kind === 'map' ? mergeLayer(builtin, defaults) : builtin;
}
