import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variables a deployment sets over apps.yaml (README, "App registry"); empty counts as unset. */
export const RegistryVariables = {
  /** The registry's file or URL when the caller names none; default `apps.yaml` in the working directory. */
  registry: 'TYCHOC_REGISTRY',
  /** The context resolveApps uses when given none; default the first in the file. */
  context: 'TYCHOC_CONTEXT',
  /** `settings.namespace`. */
  namespace: 'TYCHOC_NAMESPACE',
  /** `settings.home.claim` (mounted at /home unless the file says otherwise). */
  homeClaim: 'TYCHOC_HOME_CLAIM',
  /** `settings.proxyPrefix`. */
  proxyPrefix: 'TYCHOC_PROXY_PREFIX',
  /** The cache directory (default ~/.cache/tychoc); fetched files are kept in its `registry/`. */
  cache: 'TYCHOC_CACHE',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, or undefined when unset or empty. */
export function variable(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Where the registry is: the caller's choice, else TYCHOC_REGISTRY, else apps.yaml. */
export function registrySource(source: string | undefined, env: Env): string {
  return source ?? variable(env, RegistryVariables.registry) ?? 'apps.yaml';
}

/** The directory fetched registry and compose files are cached in. */
export function cacheDirectory(env: Env): string {
  return join(variable(env, RegistryVariables.cache) ?? join(variable(env, 'HOME') ?? homedir(), '.cache', 'tychoc'), 'registry');
}
