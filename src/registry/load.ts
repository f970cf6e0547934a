import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { parseCompose } from '../frontend/parse.js';
import { readText } from '../frontend/read.js';
import { closest } from '../frontend/suggest.js';
import { child, nodeAt, type PEntry, type PMap, type PNode } from '../frontend/tree.js';
import { composeSource } from './compose-source.js';
import { checkContexts, contextsOf } from './contexts.js';
import { cacheDirectory, registrySource, RegistryVariables, variable, type Env } from './env.js';
import { fetchCached, type CacheOptions, type Fetched } from './fetch-cache.js';
import { inlineComposeFiles } from './inline.js';
import { validateRegistry } from './schema.js';
import { settingsOf } from './settings.js';
import { directoryOf, locate, type Location } from './sources.js';
import type { Registry } from './types.js';

export interface LoadRegistryOptions {
  /** Where a relative registry path starts. */
  readonly cwd: string;
  /** The process environment: the overrides of RegistryVariables, HOME. */
  readonly env: Env;
  /** Used for http(s) registries and repositories; default the global fetch. */
  readonly fetch?: typeof fetch;
  /** The clock cached copies are aged by, in milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
}

/** How long a fetched file is used when its repository does not say (and for apps.yaml itself). */
const DEFAULT_CACHE_SECONDS = 300;

/**
 * Reads, validates and checks a registry, and fetches the compose files it keeps behind http(s).
 * Every problem of the file is reported (with its position) before any fetch; a registry is
 * returned only when none is an error. Compose files that cannot be fetched are reported by
 * resolveApps, for the apps that use them.
 */
export async function loadRegistryFile(source: string | undefined, opts: LoadRegistryOptions): Promise<{ registry?: Registry; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const ref = registrySource(source, opts.env);
  const where = locate(ref, { path: opts.cwd });
  if ('error' in where) return { diagnostics: [{ severity: 'error', code: Codes.unreadableSource, message: `cannot read registry: ${where.error}` }] };
  const cache = { dir: cacheDirectory(opts.env), fetch: opts.fetch ?? fetch, now: (opts.now ?? Date.now)() };
  const text = await readRegistry(where, cache, diagnostics);
  if (text === undefined) return { diagnostics };
  const file = 'path' in where ? where.path : where.url;
  const parsed = parseCompose(text, file);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.root) return { diagnostics };
  const root = parsed.root;
  const invalid = validateRegistry(root);
  diagnostics.push(...invalid);
  if (invalid.length > 0) return { diagnostics };

  diagnostics.push(...checkContexts(root));
  const repositories = locateRepositories(root, directoryOf(where), diagnostics);
  const composes = composeNodes(root);
  const remote = remoteComposeFiles(composes, where, repositories, diagnostics);
  const settings = settingsOf(root, opts.env, diagnostics);
  const contexts = [...contextsOf(root).keys()];
  const defaultContext = chooseContext(root, contexts, opts.env, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const fetched = new Map<string, Fetched>(
    await Promise.all([...remote].map(async ([url, maxAgeSeconds]) => [url, await fetchCached(url, { ...cache, maxAgeSeconds })] as const)),
  );
  const inline = inlineComposeFiles(text, file, composes.flatMap((compose) => child(compose, 'inline') ?? []));
  const contextNames = Object.fromEntries([...contextsOf(root)].map(([name, e]) => [name, stringAt(e.value, 'name') ?? name]));
  return {
    registry: { file, settings, contexts, contextNames, defaultContext: defaultContext!, data: { root, base: where, repositories: repositories.dirs, fetched, inline } },
    diagnostics,
  };
}

async function readRegistry(where: Location, cache: Omit<CacheOptions, 'maxAgeSeconds'>, diagnostics: Diagnostic[]): Promise<string | undefined> {
  if ('path' in where) return readText(where.path, diagnostics, undefined, 'registry file');
  const got = await fetchCached(where.url, { ...cache, maxAgeSeconds: DEFAULT_CACHE_SECONDS });
  if ('error' in got) {
    diagnostics.push({ severity: 'error', code: Codes.unreadableSource, message: `cannot fetch registry ${where.url}: ${got.error}` });
    return undefined;
  }
  if (got.stale) diagnostics.push({ severity: 'warning', code: Codes.staleSource, message: `cannot fetch registry ${where.url}: ${got.stale}`, pos: { file: where.url, line: 1, col: 1 } });
  return got.text;
}

/** The repositories of a registry: each one's directory, and how long copies of its files are used if it says. */
interface Repositories {
  readonly dirs: Map<string, Location>;
  readonly cacheSeconds: Map<string, number>;
}

/** Each repository's directory, relative URLs and paths taken from apps.yaml's directory. */
function locateRepositories(root: PMap, base: Location, diagnostics: Diagnostic[]): Repositories {
  const dirs = new Map<string, Location>();
  const cacheSeconds = new Map<string, number>();
  const repositories = child(root, 'repositories');
  for (const [name, e] of repositories?.kind === 'map' ? repositories.entries : []) {
    const url = child(e.value, 'url')!;
    const dir = locate(String(url.kind === 'scalar' ? url.value : ''), base);
    if ('error' in dir) diagnostics.push({ severity: 'error', code: Codes.invalidRegistry, message: `repository \`${name}\`: ${dir.error}`, pos: url.pos });
    else dirs.set(name, dir);
    const seconds = child(e.value, 'cacheSeconds');
    if (seconds?.kind === 'scalar' && typeof seconds.value === 'number') cacheSeconds.set(name, seconds.value);
  }
  return { dirs, cacheSeconds };
}

/**
 * The compose files behind http(s), each with how long a copy of it may be used (the least its
 * repositories allow); compose sources that name no repository or leave theirs are reported.
 */
function remoteComposeFiles(composes: readonly PNode[], registry: Location, repositories: Repositories, diagnostics: Diagnostic[]): Map<string, number> {
  const remote = new Map<string, number>();
  for (const compose of composes) {
    const found = composeSource(compose, registry, repositories.dirs);
    if ('code' in found) {
      const at = child(compose, found.code === Codes.unknownRepository ? 'repository' : 'path') ?? compose;
      diagnostics.push({ severity: 'error', code: found.code, message: found.message, pos: at.pos });
    } else if ('file' in found && 'url' in found.file) {
      const seconds = repositoryCacheSeconds(compose, repositories.cacheSeconds) ?? DEFAULT_CACHE_SECONDS;
      remote.set(found.file.url, Math.min(seconds, remote.get(found.file.url) ?? seconds));
    }
  }
  return remote;
}

function repositoryCacheSeconds(compose: PNode, cacheSeconds: ReadonlyMap<string, number>): number | undefined {
  const repository = child(compose, 'repository');
  return repository?.kind === 'scalar' ? cacheSeconds.get(String(repository.value)) : undefined;
}

/** Every `compose:` apps.yaml writes, but those a `!reset` removes. */
function composeNodes(root: PMap): PNode[] {
  const out: PNode[] = [];
  for (const context of contextsOf(root).values()) {
    const apps = child(context.value, 'apps');
    for (const app of apps?.kind === 'map' ? apps.entries.values() : []) {
      const compose = live(app) && app.value.kind === 'map' ? app.value.entries.get('compose') : undefined;
      if (compose && live(compose)) out.push(compose.value);
    }
  }
  return out;
}

const live = (e: PEntry) => e.value.tag !== 'reset';

/** The context resolveApps uses by default: TYCHOC_CONTEXT, which must be one, else the first. */
function chooseContext(root: PMap, contexts: readonly string[], env: Env, diagnostics: Diagnostic[]): string | undefined {
  const wanted = variable(env, RegistryVariables.context);
  if (wanted === undefined || contexts.includes(wanted)) return wanted ?? contexts[0];
  const hint = closest(wanted, contexts);
  const message = `${RegistryVariables.context}=${JSON.stringify(wanted)} is not a context of the registry${hint ? `; did you mean \`${hint}\`?` : `; contexts: ${contexts.join(', ')}`}`;
  const at = nodeAt(root, ['contexts']);
  diagnostics.push({ severity: 'error', code: Codes.unknownContext, message, pos: at?.keyPos ?? root.pos });
  return undefined;
}

function stringAt(node: PNode, key: string): string | undefined {
  const value = child(node, key);
  return value?.kind === 'scalar' && typeof value.value === 'string' ? value.value : undefined;
}
