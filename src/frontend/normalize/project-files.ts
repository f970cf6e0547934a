import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { BindSource, ProjectFile } from '../../model/system.js';

/** What a ConfigMap holds at most: the API server refuses more. */
export const CONFIGMAP_BYTES = 1024 * 1024;

/**
 * What lies at a bind mount's source now, when that is inside the project: a file, or a
 * directory's files with their layout (by path, sorted), read up to what a ConfigMap holds.
 * The project's `.env` files are left out (they hold its variables, secrets among them), as are
 * version-control directories and anything that is neither a file nor a directory.
 */
export function readBindSource(source: string, projectDir: string): BindSource | undefined {
  if (isAbsolute(source) || source.startsWith('~') || normalize(source).startsWith('..')) return undefined;
  const path = resolve(projectDir, source);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { type: 'missing' };
  }
  if (stat.isFile()) {
    if (stat.size > CONFIGMAP_BYTES) return { type: 'too-large' };
    return { type: 'file', file: { path: '', content: readFileSync(path), mode: fileMode(stat.mode) } };
  }
  if (!stat.isDirectory()) return { type: 'missing' };
  const files: ProjectFile[] = [];
  const skipped: string[] = [];
  let bytes = 0;
  const seen = new Set<string>();
  const walk = (dir: string, rel: string): boolean => {
    const real = realpathSync(dir);
    if (seen.has(real)) return true;
    seen.add(real);
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const entry = statOrUndefined(full);
      if (entry?.isDirectory()) {
        if (VCS_DIRS.has(name)) continue;
        if (!walk(full, relPath)) return false;
      } else if (entry?.isFile() && !isVariablesFile(name)) {
        bytes += entry.size;
        if (bytes > CONFIGMAP_BYTES) return false;
        files.push({ path: relPath, content: readFileSync(full), mode: fileMode(entry.mode) });
      } else {
        skipped.push(relPath);
      }
    }
    return true;
  };
  if (!walk(path, '')) return { type: 'too-large' };
  return { type: 'directory', files, skipped };
}

const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

/** 0755 for an executable file, else 0644: what git keeps of a mode, so that every checkout compiles alike. */
const fileMode = (mode: number) => (mode & 0o111 ? 0o755 : 0o644);
/** `.env`, `.env.local`, `prod.env`: files of variables, as compose's `env_file`s are. */
export const isVariablesFile = (name: string) => name === '.env' || name.startsWith('.env.') || name.endsWith('.env');

function statOrUndefined(path: string) {
  try {
    return lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}
