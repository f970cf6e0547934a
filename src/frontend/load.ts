import { basename, dirname, relative, resolve } from 'node:path';
import { listed, type Diagnostic, type SourcePos } from '../diagnostics.js';
import { Codes } from './codes.js';
import { CANDIDATES, discoverComposeFiles } from './discover.js';
import { loadProjectEnv, type ProjectEnv } from './environment.js';
import { resolveExtends } from './extends.js';
import { loadComposeFile } from './file.js';
import { resolveIncludes } from './include.js';
import { dropResets, mergeTrees } from './merge.js';
import { applyProfiles } from './profiles.js';
import { readText } from './read.js';
import { child, type PMap } from './tree.js';

/** What the user asked for, as docker compose's global flags say it. */
export interface LoadOptions {
  /** Compose files in merge order; `-` reads standard input. Empty: COMPOSE_FILE or discovery. */
  readonly files: readonly string[];
  readonly cwd: string;
  /** The process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly envFiles?: readonly string[];
  readonly projectName?: string;
  readonly projectDirectory?: string;
  readonly profiles?: readonly string[];
  readonly readStdin?: () => string;
  /** Read no file outside this directory (a server compiling what its callers send). */
  readonly within?: string;
}

/** A project after the front end: one merged tree with extends, include and profiles resolved. */
export interface LoadedProject {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly root: PMap;
  readonly env: ProjectEnv;
  /** From LoadOptions: the directory every file read must be in. */
  readonly within?: string;
}

/** Loads a compose project; undefined when any error was reported. */
export function loadProject(opts: LoadOptions, diagnostics: Diagnostic[]): LoadedProject | undefined {
  const firstGuess = opts.projectDirectory ?? (opts.files[0] && opts.files[0] !== '-' ? dirname(resolve(opts.cwd, opts.files[0])) : opts.cwd);
  let env = loadProjectEnv(opts.env, resolve(opts.cwd, firstGuess), opts.envFiles?.map((f) => resolve(opts.cwd, f)), diagnostics, opts.within);
  // Files COMPOSE_FILE names in a .env file are reported at its line when missing.
  const named = opts.files.length > 0 ? undefined : composeFileVariable(opts.cwd, env);
  const files = opts.files.length > 0 ? opts.files.map((f) => (f === '-' ? f : resolve(opts.cwd, f))) : (named?.files ?? discoverComposeFiles(opts.cwd));
  if (files.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: Codes.noComposeFile,
      message: `no compose file given and none found in ${opts.cwd} or its parents (looked for ${CANDIDATES.join(', ')})`,
    });
    return undefined;
  }
  const dir = resolve(opts.cwd, opts.projectDirectory ?? (files[0] === '-' ? opts.cwd : dirname(files[0]!)));
  if (dir !== resolve(opts.cwd, firstGuess)) env = loadProjectEnv(opts.env, dir, opts.envFiles?.map((f) => resolve(opts.cwd, f)), diagnostics, opts.within);

  const root = loadFiles(files, dir, env, opts, diagnostics, [], named?.pos && { pos: named.pos, what: 'COMPOSE_FILE entry' });
  if (!root || diagnostics.some((d) => d.severity === 'error')) return undefined;
  if (root.entries.size === 0) {
    const message = files.length === 1 ? 'the compose file is empty' : `the compose files are empty (${files.length} files)`;
    diagnostics.push({ severity: 'error', code: Codes.emptyFile, message, pos: { file: files[0] === '-' ? '<stdin>' : files[0]!, line: 1, col: 1 } });
    return undefined;
  }
  const profiles = opts.profiles ?? splitList(env.lookup('COMPOSE_PROFILES')?.value, ',');
  const nameNode = child(root, 'name');
  const fromEnv = env.lookup('COMPOSE_PROJECT_NAME');
  const written = opts.projectName ?? fromEnv?.value ?? (nameNode?.kind === 'scalar' ? String(nameNode.value) : basename(dir));
  const name = normalizeProjectName(written);
  if (name === '') {
    // Where the name came from: the `name:` line or a .env line; a flag or the directory has no line.
    const pos = opts.projectName === undefined ? (fromEnv?.pos ?? (nameNode && !fromEnv ? nameNode.pos : undefined)) : undefined;
    const message = `project name ${JSON.stringify(written)} keeps no letter or digit once made a compose project name (lowercase letters, digits, '-' and '_', starting with a letter or digit)`;
    diagnostics.push({ severity: 'error', code: Codes.invalidValue, message, pos: pos ?? { file: files[0] === '-' ? '<stdin>' : files[0]!, line: 1, col: 1 } });
    return undefined;
  }
  const selected = applyProfiles(root, profiles);
  if (!checkServicesSelected(root, selected, profiles, diagnostics)) return undefined;
  return { name, dir, files, root: selected, env, ...(opts.within !== undefined ? { within: opts.within } : {}) };
}

/** Like `docker compose up`, refuses a project that leaves no service to run. */
function checkServicesSelected(all: PMap, selected: PMap, profiles: readonly string[], diagnostics: Diagnostic[]): boolean {
  const services = child(selected, 'services');
  if (services?.kind === 'map' && services.entries.size > 0) return true;
  const defined = child(all, 'services');
  const available = [...(defined?.kind === 'map' ? defined.entries.values() : [])].flatMap((e) => {
    const p = child(e.value, 'profiles');
    return p?.kind === 'seq' ? p.items.map((i) => String(i.kind === 'scalar' ? i.value : '')) : [];
  });
  const message = available.length > 0
    ? `no service is enabled: every service has a profile and ${profiles.length > 0 ? `none of ${profiles.join(', ')} matches` : 'none is active'}; activate one with --profile (${listed([...new Set(available)].sort())})`
    : 'the project defines no services';
  diagnostics.push({ severity: 'error', code: Codes.noServices, message, pos: (defined ?? all).pos });
  return false;
}

/** The line that named a set of files (an `include` entry, a COMPOSE_FILE line), where a missing one is reported. */
interface NamedAt {
  readonly pos: SourcePos;
  readonly what: string;
}

/** Each file through its own stages, then includes and extends, merged in order. */
function loadFiles(files: readonly string[], dir: string, env: ProjectEnv, opts: LoadOptions, diagnostics: Diagnostic[], including: readonly string[], namedAt?: NamedAt): PMap | undefined {
  let merged: PMap | undefined;
  for (const file of files) {
    const text = file === '-' ? (opts.readStdin?.() ?? '') : readText(file, diagnostics, namedAt?.pos, namedAt?.what ?? 'compose file', opts.within);
    if (text === undefined) continue;
    const display = file === '-' ? '<stdin>' : file;
    const loaded = loadComposeFile(text, display, env.lookup, dir, diagnostics);
    if (!loaded) continue;
    const withIncludes = resolveIncludes(loaded, file === '-' ? dir : dirname(file), (incFiles, incDir, incEnvFiles, at) => {
      const cycle = incFiles.find((f) => f === file || including.includes(f));
      if (cycle) {
        diagnostics.push({ severity: 'error', code: Codes.includeCycle, message: `\`include\` cycle: ${[...including, file, cycle].map((f) => relative(dirname(file), f) || basename(f)).join(' -> ')}`, pos: at.pos });
        return undefined;
      }
      const incEnv = loadProjectEnv(opts.env, incDir, incEnvFiles, diagnostics, opts.within);
      return loadFiles(incFiles, incDir, incEnv, opts, diagnostics, [...including, file], { pos: at.pos, what: 'included compose file' });
    }, diagnostics);
    const resolved = resolveExtends(withIncludes, display, (other, from) => {
      const otherText = readText(other, diagnostics, from.pos, 'extended compose file', opts.within);
      return otherText === undefined ? undefined : loadComposeFile(otherText, other, env.lookup, dirname(other), diagnostics);
    }, diagnostics);
    merged = merged ? mergeTrees(merged, resolved) : resolved;
  }
  return merged && dropResets(merged);
}

/** COMPOSE_FILE's files and the line that set it; undefined when it names none (unset, empty or only separators). */
function composeFileVariable(cwd: string, env: ProjectEnv): { files: string[]; pos?: SourcePos } | undefined {
  const variable = env.lookup('COMPOSE_FILE');
  const files = splitList(variable?.value, env.lookup('COMPOSE_PATH_SEPARATOR')?.value || ':');
  return files.length > 0 ? { files: files.map((f) => resolve(cwd, f)), ...(variable?.pos ? { pos: variable.pos } : {}) } : undefined;
}

function splitList(value: string | undefined, sep: string): string[] {
  return (value ?? '').split(sep).map((s) => s.trim()).filter((s) => s !== '');
}

/** Compose project names are lowercase letters, digits, dashes and underscores. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}
