import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { compileArgNames, compileArgs, type FlagValue } from './compile-args.js';
import { compileFlagOptions } from './compile-command.js';
import { ExitCode, type Io } from './io.js';
import { projectCompileOptions } from './project-options.js';
import { displayPath, renderDiagnostics } from './render.js';

// The function's output is its ResourceList, of one project; the shard plan of --topology is compile's to make.
const EXCLUDED = new Set(['output', 'format', 'each', 'topology', 'reporter']);

/** `kebab-case` flag name of a `camelCase` spec key. */
const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const specKey = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * `tychoc krm`: a KRM function (config.kubernetes.io/v1 ResourceList on stdin and stdout), for
 * kustomize's `generators:` and `transformers:` (kustomize build --enable-alpha-plugins --enable-exec).
 * The functionConfig's `spec` names the compose files (relative to the working directory, the
 * kustomization's) and compile's flags as camelCase keys; the input items come out as they went in,
 * the compiled objects after them, and diagnostics as results (and on stderr, which kustomize shows).
 */
export function krmCommand(io: Io): Command {
  return new Command('krm')
    .description('run as a KRM function: a ResourceList in on stdin, the compiled objects appended to its items out')
    .addHelpText('after', () => `
The functionConfig's spec: ${compileArgNames(EXCLUDED).map(specKey).join(', ')}
(the compose files, then compile's flags by long name in camelCase: serviceType for --service-type).`)
    .action(async () => io.exit(await runKrm(io, readFileSync(0, 'utf8'))));
}

interface ResourceList {
  readonly apiVersion?: string;
  readonly items: unknown[];
  readonly functionConfig?: { readonly spec?: unknown };
}

async function runKrm(io: Io, input: string): Promise<ExitCode> {
  const { parse } = await import('yaml');
  let list: ResourceList;
  try {
    list = parse(input) as ResourceList;
  } catch (e) {
    io.stderr(`tychoc krm: standard input is not YAML: ${(e as Error).message}\n`);
    return ExitCode.input;
  }
  if (list?.constructor !== Object || (list as { kind?: unknown }).kind !== 'ResourceList') {
    io.stderr('tychoc krm: standard input is not a ResourceList (config.kubernetes.io/v1)\n');
    return ExitCode.input;
  }
  const items = Array.isArray(list.items) ? list.items : [];
  const spec = list.functionConfig?.spec ?? {};
  const out = (extra: unknown[], results: object[]) => writeList(io, { apiVersion: list.apiVersion ?? 'config.kubernetes.io/v1', kind: 'ResourceList', items: [...items, ...extra], ...(results.length > 0 ? { results } : {}) });
  const fail = async (message: string) => {
    io.stderr(`tychoc krm: ${message}\n`);
    await out([], [{ severity: 'error', message }]);
    return ExitCode.input;
  };

  if (spec === null || spec.constructor !== Object) return fail('functionConfig.spec is not a mapping');
  const values = Object.entries(spec as Record<string, unknown>).map(([k, v]) => [flagName(k), v] as const);
  const bad = values.find(([, v]) => !isFlagValue(v));
  if (bad) return fail(`functionConfig spec.${specKey(bad[0])} is a string, number, boolean or list of strings`);
  const args = await compileArgs(values as [string, FlagValue][], EXCLUDED, (name) => `functionConfig spec.${specKey(name)}`, specKey);
  if ('error' in args) return fail(args.error);
  // Standard input is the ResourceList, read already.
  if ([...args.files, ...(args.flags.file ?? [])].includes('-')) return fail('functionConfig spec names standard input (-) as a compose file; it is the ResourceList');

  const { compile } = await import('../compile.js');
  const result = compile(projectCompileOptions(io, args.files, args.flags, compileFlagOptions(args.flags)));
  const shown = args.flags.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  if (shown.length > 0) io.stderr(renderDiagnostics(shown, io.cwd));
  const failed = !result.manifests || (args.flags.strict === true && shown.length > 0);
  await out(failed ? [] : [...result.manifests!], shown.map((d) => toResult(d, io.cwd)));
  return failed ? ExitCode.input : ExitCode.ok;
}

const isFlagValue = (v: unknown): v is FlagValue => ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((i) => typeof i === 'string'));

/** A diagnostic as a KRM result: the file path relative to the working directory, the position and code as tags. */
function toResult(d: Diagnostic, cwd: string): object {
  return {
    severity: d.severity,
    message: `${d.code} ${d.message}`,
    ...(d.pos ? { file: { path: displayPath(d.pos.file, cwd) } } : {}),
    tags: { code: d.code, ...(d.pos ? { line: String(d.pos.line), column: String(d.pos.col) } : {}) },
  };
}

/** YAML as compile writes it: strings quoted wherever a YAML 1.1 or 1.2 reader would take them for something else. */
async function writeList(io: Io, list: object): Promise<void> {
  const { toYamlQuoting } = await import('../emit/serialize.js');
  io.stdout(toYamlQuoting(list, () => false));
}
