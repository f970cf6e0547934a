import type { Diagnostic } from './diagnostics.js';
import { emitManifests, type Manifest } from './emit/chart.js';
import { sortManifests } from './emit/serialize.js';
import { loadProject, type LoadOptions } from './frontend/load.js';
import { normalizeProject } from './frontend/normalize/index.js';
import type { System } from './model/system.js';

export interface CompileOptions extends LoadOptions {
  /** Registry prefix for images derived from `build:`. */
  readonly imagePrefix?: string;
  readonly namespace?: string;
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly system?: System;
  /** Present when no error was reported; sorted for apply order. */
  readonly manifests?: readonly Manifest[];
}

const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === 'error');

/** The whole pipeline: load → validate → normalize → emit. Never throws for bad input. */
export function compile(opts: CompileOptions): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const project = loadProject(opts, diagnostics);
  if (!project || hasErrors(diagnostics)) return { diagnostics };
  const system = normalizeProject(project, { imagePrefix: opts.imagePrefix }, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, system };
  const manifests = emitManifests(system, { namespace: opts.namespace }, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, system };
  return { diagnostics, system, manifests: sortManifests(manifests) };
}
