import { readFileSync } from 'node:fs';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';

/** Reads a text file, turning any failure into a diagnostic at `pos` (the line that named it). */
export function readText(file: string, diagnostics: Diagnostic[], pos?: SourcePos, what = 'file'): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    diagnostics.push({ severity: 'error', code: Codes.unreadableFile, message: `cannot read ${what} ${file}: ${reason}`, pos: pos ?? { file, line: 1, col: 1 } });
    return undefined;
  }
}
