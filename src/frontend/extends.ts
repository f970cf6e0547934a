import { dirname, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from './codes.js';
import { mergeService } from './merge.js';
import { child, withEntry, type PMap, type PNode } from './tree.js';

/** Loads another compose file (already interpolated and path-resolved) for `extends.file`. */
export type FileLoader = (file: string, from: PNode) => PMap | undefined;

/**
 * Resolves `extends` on every service: the base service (from this file or another) is merged
 * under the extending one with the normal merge rules, recursively, refusing cycles.
 */
export function resolveExtends(root: PMap, file: string, load: FileLoader, diagnostics: Diagnostic[]): PMap {
  const services = child(root, 'services');
  if (services?.kind !== 'map') return root;
  const resolver = new ExtendsResolver(load, diagnostics);
  const entries = new Map(services.entries);
  for (const [name, e] of services.entries) {
    if (e.value.kind === 'map') entries.set(name, { ...e, value: resolver.resolve(e.value, name, file, services, []) });
  }
  return withEntry(root, 'services', { ...services, entries });
}

class ExtendsResolver {
  constructor(
    private readonly load: FileLoader,
    private readonly diagnostics: Diagnostic[],
  ) {}

  resolve(svc: PMap, name: string, file: string, siblings: PMap, stack: readonly string[]): PMap {
    const ext = child(svc, 'extends');
    if (!ext) return svc;
    const id = `${file}#${name}`;
    const baseName = ext.kind === 'scalar' ? String(ext.value) : String(scalarOf(child(ext, 'service')));
    const fileNode = child(ext, 'file');
    const baseFile = fileNode?.kind === 'scalar' ? String(fileNode.value) : file;
    const baseRoot = baseFile === file ? siblings : servicesOf(this.load(baseFile, fileNode ?? ext));
    if (!baseRoot) return withoutExtends(svc);
    const base = child(baseRoot, baseName);
    if (base?.kind !== 'map') {
      this.error(Codes.extendsMissing, `service \`${name}\` extends \`${baseName}\`, which is not defined${baseFile === file ? '' : ` in ${shownFrom(file, baseFile)}`}`, ext);
      return withoutExtends(svc);
    }
    const baseId = `${baseFile}#${baseName}`;
    if (stack.includes(baseId) || baseId === id) {
      this.error(Codes.extendsCycle, `\`extends\` cycle: ${[...stack, id, baseId].map((s) => s.split('#')[1]).join(' -> ')}`, ext);
      return withoutExtends(svc);
    }
    const resolvedBase = this.resolve(base, baseName, baseFile, baseRoot, [...stack, id]);
    return mergeService(withoutExtends(resolvedBase), withoutExtends(svc));
  }

  private error(code: string, message: string, at: PNode): void {
    this.diagnostics.push({ severity: 'error', code, message, pos: at.pos });
  }
}

function scalarOf(node: PNode | undefined): unknown {
  return node?.kind === 'scalar' ? node.value : undefined;
}

function servicesOf(root: PMap | undefined): PMap | undefined {
  const services = child(root, 'services');
  return services?.kind === 'map' ? services : undefined;
}

function withoutExtends(svc: PMap): PMap {
  if (!svc.entries.has('extends')) return svc;
  const entries = new Map(svc.entries);
  entries.delete('extends');
  return { ...svc, entries };
}

/** `other` as seen from the file naming it, so messages do not depend on where the project lives. */
function shownFrom(file: string, other: string): string {
  const rel = relative(dirname(file), other);
  return rel.startsWith('..') || rel.startsWith('/') ? rel : `./${rel}`;
}
