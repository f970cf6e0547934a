import type { Diagnostic } from '../diagnostics.js';
import { Codes } from './codes.js';
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';
import type { PEntry, PMap, PNode } from './tree.js';
import { dottedPath } from './schema-words.js';

/** Plain `$VAR` / `${VAR}` uses, the only ones compose warns about when unset (`$$` is literal). */
const PLAIN_USE = /\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g;

/**
 * Interpolates every string value of a file's tree (keys are left alone, as in compose);
 * failures become positioned diagnostics and unset variables a warning each.
 */
export function interpolateTree(root: PMap, lookup: Lookup, diagnostics: Diagnostic[]): PMap {
  const warned = new Set<string>();
  const visit = (node: PNode, path: string[]): PNode => {
    switch (node.kind) {
      case 'map': {
        const entries = new Map<string, PEntry>();
        for (const [k, e] of node.entries) entries.set(k, { ...e, value: visit(e.value, [...path, k]) });
        return { ...node, entries };
      }
      case 'seq':
        return { ...node, items: node.items.map((item, i) => visit(item, [...path, String(i)])) };
      case 'scalar': {
        if (typeof node.value !== 'string' || !node.value.includes('$')) return node;
        for (const m of node.value.matchAll(PLAIN_USE)) {
          const name = m[1] ?? m[2];
          if (name && !lookup(name) && !warned.has(name)) {
            warned.add(name);
            diagnostics.push({
              severity: 'warning',
              code: Codes.unsetVariable,
              message: `variable \`${name}\` is not set (in \`${dottedPath(path)}\`); using an empty string`,
              pos: node.pos,
            });
          }
        }
        try {
          const { value, origins } = interpolate(node.value, lookup);
          return origins.length > 0 ? { ...node, value, origins } : { ...node, value };
        } catch (e) {
          if (!(e instanceof InterpolationError)) throw e;
          diagnostics.push({
            severity: 'error',
            code: e.kind === 'required' ? Codes.requiredVariable : Codes.interpolationSyntax,
            message: `${e.message} (in \`${dottedPath(path)}\`)`,
            pos: node.pos,
          });
          return node;
        }
      }
    }
  };
  return visit(root, []) as PMap;
}
