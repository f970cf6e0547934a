import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';

const REASONS: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied' };

/**
 * Reads a file's bytes, turning any failure into a diagnostic at `pos` (the line that named it);
 * a file named on the command line has no such line, and the message names it instead.
 */
export function readBytes(file: string, diagnostics: Diagnostic[], pos?: SourcePos, what = 'file'): Buffer | undefined {
  try {
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
export function readText(file: string, diagnostics: Diagnostic[], pos?: SourcePos, what = 'file'): string | undefined {
  return readBytes(file, diagnostics, pos, what)?.toString('utf8');
}

/** A path as seen from the file that named it, so messages do not depend on the checkout's location. */
function shownFrom(file: string, pos: SourcePos): string {
  const rel = relative(dirname(pos.file), file);
  return rel.startsWith('..') || rel.startsWith('/') ? rel : `./${rel}`;
}
