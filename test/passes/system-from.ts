import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadProject } from '../../src/frontend/load.js';
import { normalizeProject } from '../../src/frontend/normalize/index.js';
import { DEFAULT_POLICY, mergePolicy, type PolicyOverrides } from '../../src/model/policy.js';
import type { System } from '../../src/model/system.js';
import { runPasses, type Pass, type PassOptions } from '../../src/passes/index.js';

/** The normalized model of a compose text (with `files` beside it in the project), as the passes receive it. */
export function systemFrom(compose: string, files: Record<string, string | Buffer> = {}): System {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-pass-'));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const diagnostics: Diagnostic[] = [];
  const project = loadProject({ files: ['compose.yaml'], cwd: dir, env: {}, projectName: 'demo' }, diagnostics);
  if (!project) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return normalizeProject(project, {}, diagnostics);
}

/** Runs one pass; its diagnostics come back as `severity CODE message` lines. */
export function runPass(pass: Pass, system: System, policy?: PolicyOverrides, options: PassOptions = {}): { system: System; messages: string[] } {
  const diagnostics: Diagnostic[] = [];
  const out = runPasses(system, [pass], mergePolicy(DEFAULT_POLICY, policy), options, diagnostics);
  return { system: out, messages: diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`) };
}
