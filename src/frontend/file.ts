import type { Diagnostic } from '../diagnostics.js';
import type { Lookup } from './interpolate.js';
import { interpolateTree } from './interpolate-tree.js';
import { parseCompose } from './parse.js';
import { resolveRelativePaths } from './paths.js';
import type { PMap } from './tree.js';
import { validateCompose } from './validate.js';

/**
 * One compose file through the per-file stages: parse, interpolate, validate against the
 * schema, and make its relative paths absolute against `baseDir`. Undefined when it has errors.
 */
export function loadComposeFile(text: string, file: string, lookup: Lookup, baseDir: string, diagnostics: Diagnostic[]): PMap | undefined {
  const parsed = parseCompose(text, file);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.root || parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const local: Diagnostic[] = [];
  const interpolated = interpolateTree(parsed.root, lookup, local);
  local.push(...validateCompose(interpolated));
  diagnostics.push(...local);
  if (local.some((d) => d.severity === 'error')) return undefined;
  return resolveRelativePaths(interpolated, baseDir);
}
