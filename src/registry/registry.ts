import type { Diagnostic } from '../diagnostics.js';
import { loadRegistryFile, type LoadRegistryOptions } from './load.js';
import { resolveContextApps } from './resolve.js';
import type { Registry, ResolvedApp } from './types.js';

export { RegistryVariables } from './env.js';
export type { LoadRegistryOptions } from './load.js';
export type { Quantities, Registry, RegistrySettings, ResolvedApp } from './types.js';

/**
 * Loads an app registry: `source` (a path or http(s) URL; default TYCHOC_REGISTRY, else apps.yaml
 * in `cwd`), validated with every problem at its line and column, with the environment's
 * overrides applied and its remote compose files fetched (and cached). No registry when any
 * diagnostic is an error.
 */
export function loadRegistry(source: string | undefined, opts: LoadRegistryOptions): Promise<{ registry?: Registry; diagnostics: Diagnostic[] }> {
  return loadRegistryFile(source, opts);
}

/**
 * The apps a context offers (default: the registry's default context), fully merged. Apps with
 * errors are left out and reported; the others are returned.
 */
export function resolveApps(registry: Registry, context?: string): { apps: ReadonlyMap<string, ResolvedApp>; diagnostics: Diagnostic[] } {
  return resolveContextApps(registry, context);
}
