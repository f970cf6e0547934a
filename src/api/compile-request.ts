import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compile } from '../compile.js';
import { diagnosticLine, type Diagnostic } from '../diagnostics.js';
import type { Manifest } from '../emit/chart.js';
import type { PolicyOverrides } from '../model/policy.js';
import { ApiProblem } from './envelope.js';

/** What a start request gives the compiler. */
export interface ComposeInput {
  /** A compose file as a JSON object, or its YAML text. */
  readonly system: Record<string, unknown> | string;
  /** A `.env` file's text. */
  readonly env?: string;
  readonly name?: string;
  /** Tycho's per-service settings: the address ranges that alone may connect to a service. */
  readonly services?: Readonly<Record<string, { readonly clients?: readonly string[] }>>;
}

export interface Compiled {
  readonly app: string;
  readonly manifests: readonly Manifest[];
  /** Warnings, as `file:line:col code message`. */
  readonly warnings: readonly string[];
}

/**
 * Compiles a request's compose file in a directory of its own, the only one it may read from:
 * `extends`, `include`, `env_file`, configs and secrets cannot reach the server's files, and bind
 * mounts may only ship the request's own files. The server's process environment is not used for
 * interpolation; the request's `.env` is. Errors are a 422 listing every diagnostic.
 */
export function compileRequest(input: ComposeInput, opts: { sid: string; username?: string; namespace?: string; policy?: PolicyOverrides; policyFile?: string }): Compiled {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-api-')));
  try {
    // JSON is written pretty, so that a diagnostic's line points at one key.
    const file = typeof input.system === 'string' ? 'compose.yaml' : 'compose.json';
    writeFileSync(join(dir, file), typeof input.system === 'string' ? input.system : `${JSON.stringify(input.system, null, 2)}\n`);
    if (input.env !== undefined) writeFileSync(join(dir, '.env'), input.env);
    // A caller's pods never get a ServiceAccount's token: they would act with its rights (the server's own, say).
    const policy: PolicyOverrides = { ...opts.policy, volumes: { ...opts.policy?.volumes, allowedHostRoots: ['.'] }, security: { ...opts.policy?.security, allowServiceAccounts: false } };
    const result = compile({
      files: [file],
      cwd: dir,
      env: {},
      within: dir,
      sid: opts.sid,
      policy,
      ...(opts.policyFile !== undefined ? { policyFile: opts.policyFile } : {}),
      ...(input.name !== undefined ? { projectName: input.name } : {}),
      clients: Object.fromEntries(Object.entries(input.services ?? {}).map(([service, s]) => [service, s.clients ?? []])),
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    });
    const shown = result.diagnostics.map((d) => describe(d, dir));
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !result.manifests || !result.system) {
      const first = shown[result.diagnostics.indexOf(errors[0]!)] ?? 'no objects';
      throw new ApiProblem(422, `the compose file does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}): ${first}`, { diagnostics: shown });
    }
    return { app: result.system.name, manifests: result.manifests, warnings: shown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `compose.yaml:3:5 error TYC0301 message`, the file relative to the request's directory. */
function describe(d: Diagnostic, dir: string): string {
  return diagnosticLine(d, (file) => relative(dir, file));
}
