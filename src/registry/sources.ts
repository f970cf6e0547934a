import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file or directory: on this machine, or behind an http(s) URL. */
export type Location = { readonly path: string } | { readonly url: string };

const HTTP = /^https?:\/\//i;
// Two letters at least, so that a Windows drive (`C:`) is not taken for a scheme.
const SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Where `ref` (a path, a `file:` URL or an http(s) URL, as apps.yaml writes them) is, relative
 * paths taken from the directory `base`; other URL schemes are refused.
 */
export function locate(ref: string, base: Location): Location | { readonly error: string } {
  if (HTTP.test(ref)) return parseUrl(ref);
  if (/^file:/i.test(ref)) {
    try {
      return { path: fileURLToPath(ref) };
    } catch (e) {
      return { error: `${JSON.stringify(ref)} is not a file URL: ${(e as Error).message}` };
    }
  }
  if (SCHEME.test(ref)) return { error: `${JSON.stringify(ref)} is neither a path nor an http(s) or file URL` };
  return 'path' in base ? { path: resolve(base.path, ref) } : parseUrl(ref, asDirectoryUrl(base.url));
}

/** The directory a file is in. */
export function directoryOf(file: Location): Location {
  return 'path' in file ? { path: dirname(file.path) } : { url: new URL('.', file.url).href };
}

/**
 * A path inside a repository's directory; undefined when it would leave it (an absolute path or a
 * `..` segment), so that a registry cannot reach past the repositories it names.
 */
export function inside(dir: Location, path: string): Location | undefined {
  if (isAbsolute(path) || path.startsWith('\\') || path.split(/[\\/]/).includes('..') || SCHEME.test(path)) return undefined;
  return 'path' in dir ? { path: resolve(dir.path, path) } : { url: new URL(path.split('/').map(encodeURIComponent).join('/'), asDirectoryUrl(dir.url)).href };
}

/** A location as messages show it: a URL whole, a path relative to apps.yaml's directory. */
export function shown(at: Location, base: Location): string {
  if ('url' in at) return at.url;
  if (!('path' in base)) return at.path;
  const rel = relative(base.path, at.path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? at.path : `./${rel}`;
}

function parseUrl(ref: string, base?: string): Location | { readonly error: string } {
  try {
    return { url: new URL(ref, base).href };
  } catch {
    return { error: `${JSON.stringify(ref)} is not a valid URL` };
  }
}

const asDirectoryUrl = (url: string) => (url.endsWith('/') ? url : `${url}/`);
