import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { packagePath } from '../package-path.js';
import { Codes } from './codes.js';

/** The templates shipped in the package's `templates/` folder, by file name. */
export function builtinTemplates(): Map<string, string> {
  const dir = packagePath('templates');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/**
 * The templates in force: the built-in ones, each replaced by the file of the same name in
 * `dir` (`--templates`). A file there that replaces nothing is reported, as it is likely a typo.
 */
export function loadTemplates(dir: string | undefined, diagnostics: Diagnostic[]): Map<string, string> {
  const templates = builtinTemplates();
  if (dir === undefined) return templates;
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'is not a directory' : 'cannot be read';
    diagnostics.push({ severity: 'error', code: Codes.unreadableFile, message: `templates directory ${dir} ${why}`, pos: { file: dir, line: 1, col: 1 } });
    return templates;
  }
  for (const name of names) {
    const pos = { file: join(dir, name), line: 1, col: 1 };
    if (!templates.has(name)) {
      diagnostics.push({ severity: 'warning', code: Codes.ineffectiveSetting, message: `template ${name} replaces none of tychoc's (${[...templates.keys()].join(', ')})`, pos });
      continue;
    }
    try {
      templates.set(name, readFileSync(join(dir, name), 'utf8'));
    } catch {
      diagnostics.push({ severity: 'error', code: Codes.unreadableFile, message: `template ${name} cannot be read`, pos });
    }
  }
  return templates;
}
