import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { packagePath } from '../package-path.js';
import type { Io } from './io.js';
import { byPosition, displayPath, renderDiagnostics } from './render.js';
import { sarifLog } from './sarif.js';

/** How diagnostics are printed: for people, for GitHub Actions, or as a document for other tools. */
export type Reporter = 'text' | 'github' | 'json' | 'sarif';

/** The --reporter option every command that prints diagnostics takes. */
export function reporterOption(): Option {
  return new Option('--reporter <reporter>', 'how diagnostics are printed on standard error: text, github (workflow annotations), json (schemas/diagnostics.schema.json) or sarif (SARIF 2.1.0)')
    .choices(['text', 'github', 'json', 'sarif'])
    .default('text');
}

/** Prints diagnostics on standard error as `reporter` says; json and sarif print a document even when there are none. */
export function reportDiagnostics(io: Io, diagnostics: readonly Diagnostic[], reporter: Reporter = 'text'): void {
  if (diagnostics.length === 0 && (reporter === 'text' || reporter === 'github')) return;
  io.stderr(formatDiagnostics(diagnostics, reporter, io.cwd, reporter === 'text' && useColour(io)));
}

/** The diagnostics as one reporter's text, positions relative to `cwd`. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], reporter: Reporter, cwd: string, colour = false): string {
  const sorted = [...diagnostics].sort(byPosition);
  switch (reporter) {
    case 'text':
      return renderDiagnostics(sorted, cwd, true, colour);
    case 'github':
      return sorted.map((d) => githubAnnotation(d, cwd)).join('');
    case 'json':
      return `${JSON.stringify(diagnosticsDocument(sorted, cwd), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarifLog(sorted, cwd, toolVersion()), null, 2)}\n`;
  }
}

/**
 * Colour on a terminal only: NO_COLOR (any non-empty value) turns it off, FORCE_COLOR turns it on
 * anywhere (`0` and `false` off), as https://no-color.org and https://force-color.org ask.
 */
export function useColour(io: Pick<Io, 'env' | 'stderrIsTTY'>): boolean {
  if (io.env['NO_COLOR']) return false;
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return io.stderrIsTTY === true && io.env['TERM'] !== 'dumb';
}

/** `::error file=…,line=…,col=…,title=TYC0301::message`, escaped as the Actions runner unescapes. */
function githubAnnotation(d: Diagnostic, cwd: string): string {
  const props = [
    ...(d.pos ? [`file=${escapeProperty(displayPath(d.pos.file, cwd))}`, `line=${d.pos.line}`, `col=${d.pos.col}`] : []),
    `title=${escapeProperty(d.code)}`,
  ];
  return `::${d.severity} ${props.join(',')}::${escapeData(d.message)}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** The shape schemas/diagnostics.schema.json describes; version 1 only ever gains optional fields. */
function diagnosticsDocument(diagnostics: readonly Diagnostic[], cwd: string) {
  return {
    version: 1,
    tool: { name: 'tychoc', version: toolVersion() },
    summary: {
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    },
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.pos ? { file: displayPath(d.pos.file, cwd), line: d.pos.line, column: d.pos.col } : {}),
      ...(d.source ? { source: d.source } : {}),
    })),
  };
}

let version: string | undefined;

/** The package's version, read once. */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
