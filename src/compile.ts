import type { Diagnostic } from './diagnostics.js';
import { emitManifests, type Manifest } from './emit/chart.js';
import { sortManifests } from './emit/serialize.js';
import { loadProject, type LoadedProject, type LoadOptions } from './frontend/load.js';
import { normalizeProject } from './frontend/normalize/index.js';
import type { System } from './model/system.js';
import { mergePolicy, type PolicyOverrides } from './model/policy.js';
import { loadPolicy } from './frontend/policy.js';
import { loadTemplates } from './frontend/templates.js';
import { defaultPasses, runPasses, type PassOptions } from './passes/index.js';
import { resolve } from 'node:path';

export interface CompileOptions extends LoadOptions, PassOptions {
  /** Registry prefix for images derived from `build:`. */
  readonly imagePrefix?: string;
  readonly namespace?: string;
  /** A policy file; default `tycho.policy.yaml` in the project directory when present. */
  readonly policyFile?: string;
  /** Policy settings from flags, over the file's. */
  readonly policy?: PolicyOverrides;
  /** A directory of Handlebars templates replacing the built-in ones of the same name. */
  readonly templatesDir?: string;
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The merged compose tree with positions, when the files loaded (what `explain` traces fields to). */
  readonly project?: LoadedProject;
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
  const normalized = normalizeProject(project, { imagePrefix: opts.imagePrefix }, diagnostics);
  const filePolicy = loadPolicy(opts.policyFile && resolve(opts.cwd, opts.policyFile), project.dir, diagnostics);
  const templates = opts.templates ?? loadTemplates(opts.templatesDir && resolve(opts.cwd, opts.templatesDir), diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, system: normalized };
  const system = runPasses(normalized, defaultPasses(), mergePolicy(filePolicy, opts.policy), { ...opts, templates }, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, system };
  const manifests = emitManifests(system, { namespace: opts.namespace }, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, system };
  return { diagnostics, project, system, manifests: sortManifests(manifests) };
}
