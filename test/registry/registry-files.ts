import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadRegistry, type LoadRegistryOptions, type Registry } from '../../src/registry/registry.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory holding `files` (apps.yaml and compose files), removed after the suite. */
export function registryDir(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-registry-'));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** Diagnostics as the CLI prints their first line, paths relative to `dir`. */
export function rendered(diagnostics: readonly Diagnostic[], dir: string): string[] {
  return diagnostics.map((d) => `${d.pos ? `${d.pos.file.startsWith('/') ? relative(dir, d.pos.file) : d.pos.file}:${d.pos.line}:${d.pos.col} ` : ''}${d.severity} ${d.code} ${d.message}`);
}

/** Loads `apps.yaml` of a directory made of `files`, with an empty environment and a cache of its own unless told otherwise. */
export async function loadFiles(files: Readonly<Record<string, string>>, opts: Partial<LoadRegistryOptions> = {}): Promise<{ dir: string; registry?: Registry; messages: string[] }> {
  const dir = registryDir(files);
  const { registry, diagnostics } = await loadRegistry(undefined, { cwd: dir, ...opts, env: { TYCHOC_CACHE: join(dir, '.cache'), ...opts.env } });
  return { dir, ...(registry ? { registry } : {}), messages: rendered(diagnostics, dir) };
}

/** A loaded registry that must have no diagnostics at all. */
export async function loadClean(files: Readonly<Record<string, string>>, opts: Partial<LoadRegistryOptions> = {}): Promise<{ dir: string; registry: Registry }> {
  const loaded = await loadFiles(files, opts);
  if (!loaded.registry || loaded.messages.length > 0) throw new Error(`expected a clean registry:\n${loaded.messages.join('\n')}`);
  return { dir: loaded.dir, registry: loaded.registry };
}

/** A compose file that compiles. */
export const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["80"]\n';
