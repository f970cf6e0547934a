import { isAbsolute, resolve } from 'node:path';
import { child, mapEntries, scalarLike, withEntry, type PMap, type PNode, type PScalar } from './tree.js';
import { parseVolumeSpec } from './volumes.js';

/**
 * Makes the relative host paths of one file absolute against `baseDir`, as compose-go does
 * before merging, so files from other folders (include, extends) keep pointing where they meant.
 */
export function resolveRelativePaths(root: PMap, baseDir: string): PMap {
  let out = root;
  const services = child(root, 'services');
  if (services?.kind === 'map') out = withEntry(out, 'services', mapEntries(services, (svc) => (svc.kind === 'map' ? resolveService(svc, baseDir) : svc)));
  for (const section of ['secrets', 'configs'] as const) {
    const defs = child(out, section);
    if (defs?.kind !== 'map') continue;
    out = withEntry(out, section, mapEntries(defs, (def) => (def.kind === 'map' ? rewrite(def, 'file', (n) => absolute(n, baseDir)) : def)));
  }
  return out;
}

function resolveService(svc: PMap, baseDir: string): PMap {
  let out = svc;
  out = rewrite(out, 'build', (b) => (b.kind === 'map' ? rewrite(b, 'context', (c) => localContext(c, baseDir)) : localContext(b, baseDir)));
  out = rewrite(out, 'env_file', (f) => eachItem(f, (i) => (i.kind === 'map' ? rewrite(i, 'path', (p) => absolute(p, baseDir)) : absolute(i, baseDir))));
  out = rewrite(out, 'label_file', (f) => eachItem(f, (i) => absolute(i, baseDir)));
  out = rewrite(out, 'extends', (e) => (e.kind === 'map' ? rewrite(e, 'file', (f) => absolute(f, baseDir)) : e));
  out = rewrite(out, 'volumes', (v) => eachItem(v, (i) => resolveVolume(i, baseDir)));
  return out;
}

function rewrite(map: PMap, key: string, fn: (n: PNode) => PNode): PMap {
  const value = child(map, key);
  return value ? withEntry(map, key, fn(value)) : map;
}

function eachItem(node: PNode, fn: (n: PNode) => PNode): PNode {
  return node.kind === 'seq' ? { ...node, items: node.items.map(fn) } : fn(node);
}

function absolute(node: PNode, baseDir: string): PNode {
  if (node.kind !== 'scalar' || typeof node.value !== 'string' || isAbsolute(node.value) || node.value.startsWith('~')) return node;
  return retagged(node, scalarLike(node, resolve(baseDir, node.value)));
}

/** Build contexts may be URLs or git references; only local folders are resolved. */
function localContext(node: PNode, baseDir: string): PNode {
  if (node.kind === 'scalar' && typeof node.value === 'string' && /^[a-z][\w+.-]*:\/\/|^git@|^github\.com\//i.test(node.value)) return node;
  return absolute(node, baseDir);
}

function resolveVolume(item: PNode, baseDir: string): PNode {
  if (item.kind === 'map') {
    return child(item, 'type')?.kind === 'scalar' && (child(item, 'type') as { value: unknown }).value === 'bind'
      ? rewrite(item, 'source', (s) => absolute(s, baseDir))
      : item;
  }
  if (item.kind !== 'scalar' || typeof item.value !== 'string') return item;
  const spec = parseVolumeSpec(item.value);
  if (spec?.type !== 'bind' || !spec.source || isAbsolute(spec.source) || spec.source.startsWith('~')) return item;
  return retagged(item, scalarLike(item, resolve(baseDir, spec.source) + item.value.slice(spec.source.length)));
}

/** A rewritten path keeps its merge tag (`- !reset ./data:/data` still resets). */
function retagged(from: PNode, to: PScalar): PScalar {
  return from.tag ? { ...to, tag: from.tag } : to;
}
