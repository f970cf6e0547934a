import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from './codes.js';
import { child, toPlain, withEntry, type PMap, type PNode } from './tree.js';

/** Loads an included project: its files, its project directory and env files, fully resolved. */
export type ProjectLoader = (files: readonly string[], projectDir: string, envFiles: readonly string[] | undefined, at: PNode) => PMap | undefined;

const SECTIONS = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

/**
 * Adds the resources of every `include` entry to the including file; a name defined on both
 * sides is an error, as in compose.
 */
export function resolveIncludes(root: PMap, baseDir: string, load: ProjectLoader, diagnostics: Diagnostic[]): PMap {
  const include = child(root, 'include');
  if (include?.kind !== 'seq') return root;
  let out: PMap = { ...root, entries: new Map([...root.entries].filter(([k]) => k !== 'include')) };
  for (const item of include.items) {
    const { files, projectDir, envFiles } = includeEntry(item, baseDir);
    if (files.length === 0) continue;
    const included = load(files, projectDir, envFiles, item);
    if (included) out = addResources(out, included, item, diagnostics);
  }
  return out;
}

function strings(node: PNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'scalar') return [String(node.value)];
  return node.kind === 'seq' ? node.items.flatMap(strings) : [];
}

function includeEntry(item: PNode, baseDir: string) {
  const files = (item.kind === 'scalar' ? strings(item) : strings(child(item, 'path'))).map((f) => resolve(baseDir, f));
  const dirNode = strings(child(item, 'project_directory'))[0];
  const projectDir = dirNode ? resolve(baseDir, dirNode) : dirname(files[0] ?? baseDir);
  const envFiles = strings(child(item, 'env_file')).map((f) => resolve(baseDir, f));
  return { files, projectDir, envFiles: envFiles.length > 0 ? envFiles : undefined };
}

function addResources(root: PMap, included: PMap, at: PNode, diagnostics: Diagnostic[]): PMap {
  let out = root;
  for (const section of SECTIONS) {
    const theirs = child(included, section);
    if (theirs?.kind !== 'map') continue;
    const ours = child(out, section);
    const entries = new Map(ours?.kind === 'map' ? ours.entries : []);
    for (const [name, e] of theirs.entries) {
      const defined = entries.get(name);
      if (defined) {
        // One file included twice (directly and through another include) brings the same
        // definition again; like compose-go, only a different definition is a conflict.
        if (sameDefinition(defined.value, e.value)) continue;
        diagnostics.push({
          severity: 'error',
          code: Codes.includeConflict,
          message: `included ${section.slice(0, -1)} \`${name}\` is also defined here`,
          pos: defined.keyPos,
        });
        continue;
      }
      entries.set(name, e);
    }
    out = withEntry(out, section, { kind: 'map', entries, pos: ours?.pos ?? at.pos });
  }
  return out;
}

function sameDefinition(a: PNode, b: PNode): boolean {
  return JSON.stringify(toPlain(a)) === JSON.stringify(toPlain(b));
}
