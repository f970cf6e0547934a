import { Command } from 'commander';
import { compileArgNames, compileArgs, type FlagValue } from './compile-args.js';
import { runCompile } from './compile-command.js';
import { ExitCode, type Io } from './io.js';

// Manifests go to standard output, where Argo CD reads them: no files, no other format, one
// project; Argo CD shows standard error as it is, so diagnostics stay text.
const EXCLUDED = new Set(['output', 'format', 'each', 'reporter']);
const ENV_PREFIX = 'ARGOCD_ENV_';

/**
 * `tychoc argocd generate`: the generate command of the Argo CD config-management plugin
 * (deploy/argocd/plugin.yaml). It runs as the CMP server runs it: in the Application's source
 * directory, with the Application's name, namespace, plugin env and parameters in the environment.
 */
export function argocdCommand(io: Io): Command {
  const argocd = new Command('argocd').description('Argo CD config-management plugin (deploy/argocd/plugin.yaml)');
  argocd
    .command('generate')
    .description('compile the Application\'s compose files for Argo CD: manifests on stdout, diagnostics on stderr')
    .addHelpText('after', () => `
Read from the environment the CMP server sets:
  ARGOCD_APP_NAME       the project name, unless the parameter project-name or the plugin env COMPOSE_PROJECT_NAME names one
  ARGOCD_APP_NAMESPACE  the namespace of every object, unless the parameter namespace names one
  ARGOCD_ENV_<NAME>     the Application's plugin env: <NAME> is what the compose files interpolate
  ARGOCD_APP_PARAMETERS the parameters (else PARAM_<NAME>, PARAM_<NAME>_<i>): files, and compile's flags by long name
                        (known: ${compileArgNames(EXCLUDED).join(', ')})`)
    .action(async () => io.exit(await generate(io)));
  return argocd;
}

async function generate(io: Io): Promise<ExitCode> {
  const params = readParameters(io.env);
  if ('error' in params) return usage(io, params.error);
  const appEnv = pluginEnv(io.env);
  // Defaults first: a parameter of the same name comes later and wins.
  const defaults: [string, FlagValue][] = [];
  if (io.env.ARGOCD_APP_NAME && appEnv.COMPOSE_PROJECT_NAME === undefined) defaults.push(['project-name', io.env.ARGOCD_APP_NAME]);
  if (io.env.ARGOCD_APP_NAMESPACE) defaults.push(['namespace', io.env.ARGOCD_APP_NAMESPACE]);
  const args = await compileArgs([...defaults, ...params.values], EXCLUDED, (name) => `parameter ${name}`);
  if ('error' in args) return usage(io, args.error);
  return runCompile({ ...io, env: appEnv }, args.files, { ...args.flags, format: 'yaml' });
}

function usage(io: Io, message: string): ExitCode {
  io.stderr(`tychoc argocd generate: ${message}\n`);
  return ExitCode.usage;
}

/**
 * The Application's plugin env, which the CMP server prefixes with ARGOCD_ENV_, unprefixed: the
 * compose files see it and nothing of the sidecar's own environment, so a compile does not
 * depend on which repo-server pod ran it.
 */
function pluginEnv(env: Io['env']): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith(ENV_PREFIX) && v !== undefined).map(([k, v]) => [k.slice(ENV_PREFIX.length), v!]));
}

interface ArgoParameter {
  readonly name?: unknown;
  readonly string?: unknown;
  readonly array?: unknown;
  readonly map?: unknown;
}

/**
 * The Application's parameters: ARGOCD_APP_PARAMETERS, the JSON list the CMP server always sets
 * with the parameters' exact names; by hand, the PARAM_<NAME> variables it sets beside it.
 */
function readParameters(env: Io['env']): { values: [string, FlagValue][] } | { error: string } {
  const json = env.ARGOCD_APP_PARAMETERS;
  if (json === undefined) return paramVariables(env);
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch (e) {
    return { error: `ARGOCD_APP_PARAMETERS is not JSON: ${(e as Error).message}` };
  }
  if (list === null) return { values: [] };
  if (!Array.isArray(list)) return { error: 'ARGOCD_APP_PARAMETERS is not a list of parameters' };
  const values: [string, FlagValue][] = [];
  for (const p of list as ArgoParameter[]) {
    if (typeof p?.name !== 'string') return { error: 'ARGOCD_APP_PARAMETERS has a parameter without a name' };
    if (p.map !== undefined) return { error: `parameter ${p.name} is a map; tychoc's parameters are strings and arrays` };
    if (Array.isArray(p.array)) values.push([p.name, p.array.map(String)]);
    else if (typeof p.string === 'string') values.push([p.name, p.string]);
    else return { error: `parameter ${p.name} has no string or array value` };
  }
  return { values };
}

/** Argo CD's name for a parameter's variable: PARAM_, then the name upper-cased, other characters `_`. */
const variableName = (name: string) => `PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;

function paramVariables(env: Io['env']): { values: [string, FlagValue][] } | { error: string } {
  const given = new Set(Object.keys(env).filter((k) => k.startsWith('PARAM_')));
  const values: [string, FlagValue][] = [];
  for (const name of compileArgNames(EXCLUDED)) {
    const base = variableName(name);
    const items: string[] = [];
    for (let i = 0; env[`${base}_${i}`] !== undefined; i++) {
      items.push(env[`${base}_${i}`]!);
      given.delete(`${base}_${i}`);
    }
    if (items.length > 0) values.push([name, items]);
    if (env[base] !== undefined) values.push([name, env[base]!]);
    given.delete(base);
  }
  if (given.size > 0) return { error: `unknown parameter variable ${[...given].sort().join(', ')} (known: ${compileArgNames(EXCLUDED).map(variableName).join(', ')})` };
  return { values };
}
