import { readFileSync, realpathSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';

const REASONS: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied', EOUTSIDE: 'outside the project directory, which is all this compile may read' };

/**
 * Reads a file's bytes, turning any failure into a diagnostic at `pos` (the line that named it);
 * a file named on the command line has no such line, and the message names it instead. With
 * `within`, a file whose real path (symbolic links followed) is outside that directory is refused.
 */
export function readBytes(file: string, diagnostics: Diagnostic[], pos?: SourcePos, what = 'file', within?: string): Buffer | undefined {
  try {
    if (within !== undefined && !isInside(realpathSync(file), realpathSync(within))) throw Object.assign(new Error('outside'), { code: 'EOUTSIDE' });
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    diagnostics.push({
      severity: 'error',
      code: Codes.unreadableFile,
      message: `cannot read ${what} ${pos ? shownFrom(file, pos) : file}: ${REASONS[code] ?? (e as Error).message}`,
      pos,
    });
    return undefined;
  }
}

/** Reads a text file; see readBytes. */
export function readText(file: string, diagnostics: Diagnostic[], pos?: SourcePos, what = 'file', within?: string): string | undefined {
  return readBytes(file, diagnostics, pos, what, within)?.toString('utf8');
}

const isInside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** A path as seen from the file that named it, so messages do not depend on the checkout's location. */
function shownFrom(file: string, pos: SourcePos): string {
  const rel = relative(dirname(pos.file), file);
  return rel.startsWith('..') || rel.startsWith('/') ? rel : `./${rel}`;
}
