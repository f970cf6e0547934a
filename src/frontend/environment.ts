import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { parseDotenv } from './dotenv.js';
import type { Lookup, Variable } from './interpolate.js';
import { readText } from './read.js';

/** The variables interpolation sees, with where each was defined. */
export interface ProjectEnv {
  readonly vars: ReadonlyMap<string, Variable>;
  readonly lookup: Lookup;
}

/**
 * Docker compose's precedence: the process environment wins over env files, later
 * `--env-file`s over earlier ones; the project's `.env` is read only when no `--env-file` is given.
 */
export function loadProjectEnv(
  processEnv: Readonly<Record<string, string | undefined>>,
  projectDir: string,
  envFiles: readonly string[] | undefined,
  diagnostics: Diagnostic[],
  within?: string,
): ProjectEnv {
  const fromFiles = new Map<string, Variable>();
  const files = envFiles && envFiles.length > 0 ? envFiles : existsSync(join(projectDir, '.env')) ? [join(projectDir, '.env')] : [];
  for (const file of files) {
    const text = readText(file, diagnostics, undefined, 'env file', within);
    if (text === undefined) continue;
    const parsed = parseDotenv(text, file, (name) => fromProcess(processEnv, name), (name) => fromFiles.get(name));
    diagnostics.push(...parsed.diagnostics);
    for (const [k, v] of parsed.vars) fromFiles.set(k, v);
  }
  const vars = new Map(fromFiles);
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) vars.set(k, { value: v });
  return { vars, lookup: (name) => vars.get(name) };
}

function fromProcess(env: Readonly<Record<string, string | undefined>>, name: string): Variable | undefined {
  const v = env[name];
  return v === undefined ? undefined : { value: v };
}
