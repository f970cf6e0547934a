import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';

/** Order of output: by file, line, column, then as reported; diagnostics without a position first. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
  const pa = a.pos;
  const pb = b.pos;
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return pa.file.localeCompare(pb.file) || pa.line - pb.line || pa.col - pb.col;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** `file:line:col severity CODE message`, with the source line and a caret under the column; `colour` for a terminal. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], cwd: string, frames = true, colour = false): string {
  const cache = new Map<string, string[] | undefined>();
  const lines = (file: string) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
  return [...diagnostics]
    .sort(byPosition)
    .map((d) => {
      const where = d.pos ? `${paint(colour, '1', `${displayPath(d.pos.file, cwd)}:${d.pos.line}:${d.pos.col}`)} ` : '';
      const head = `${where}${paint(colour, d.severity === 'error' ? '1;31' : '1;33', d.severity)} ${paint(colour, '2', d.code)} ${d.message}`;
      const source = frames && d.pos ? lines(d.pos.file)?.[d.pos.line - 1] : undefined;
      if (source === undefined) return `${head}\n`;
      const gutter = String(d.pos!.line);
      return `${head}\n  ${gutter} | ${source}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(d.pos!.col - 1)}${paint(colour, '1;32', '^')}\n`;
    })
    .join('');
}

/** Paths under the working directory are shown relative to it, as compilers do. */
export function displayPath(file: string, cwd: string): string {
  if (!file.startsWith('/')) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
