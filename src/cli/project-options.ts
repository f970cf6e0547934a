import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CompileOptions } from '../compile.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Exposure } from '../model/system.js';
import type { Io } from './io.js';
import { reportDiagnostics, reporterOption, type Reporter } from './reporters.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A project name keeps its letters and digits (lowercased), '-' and '_': it needs one letter or digit. */
const projectName = (value: string) => {
  if (!/[a-zA-Z0-9]/.test(value)) throw new InvalidArgumentError('a project name needs a letter or digit');
  return value;
};

/** Which compose project to load, and how strictly: the flags `compile` and `up` share. */
export interface ProjectFlags {
  file?: string[];
  projectName?: string;
  /** Hidden alias of --project-name. */
  name?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  imagePrefix?: string;
  policy?: string;
  serviceType?: Exposure;
  strict?: boolean;
  quiet?: boolean;
  reporter?: Reporter;
}

/** Adds the compose files argument and the ProjectFlags options. */
export function withProjectOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', 'compose files, merged in order (`-` for standard input)')
    .option('-f, --file <file>', 'compose file (repeatable; same as a positional file)', collect)
    .option('-p, --project-name <name>', 'project name (default: `name:`, COMPOSE_PROJECT_NAME, or the directory)', projectName)
    .addOption(new Option('--name <name>', 'alias of --project-name').argParser(projectName).hideHelp())
    .option('--project-directory <dir>', 'project directory (default: the first file\'s directory)')
    .option('--env-file <file>', 'environment file replacing the project\'s .env (repeatable)', collect)
    .option('--profile <profile>', 'activate a profile (repeatable; default COMPOSE_PROFILES)', collect)
    .option('--image-prefix <prefix>', 'registry prefix for images derived from build:, e.g. registry.example.com/team/')
    .option('--policy <file>', 'policy file (default: tycho.policy.yaml in the project directory)')
    .addOption(new Option('--service-type <type>', 'Service type of services without their own setting').choices(['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless']))
    .option('--strict', 'treat compile warnings as errors')
    .addOption(reporterOption());
}

/** The compile options the arguments and flags name, with `more` (command-specific) over them. */
export function projectCompileOptions(io: Io, files: readonly string[], flags: ProjectFlags, more: Omit<CompileOptions, 'files' | 'cwd' | 'env'>): CompileOptions {
  return {
    files: [...files, ...(flags.file ?? [])],
    cwd: io.cwd,
    env: io.env,
    envFiles: flags.envFile,
    projectName: flags.projectName ?? flags.name,
    projectDirectory: flags.projectDirectory,
    profiles: flags.profile,
    imagePrefix: flags.imagePrefix,
    policyFile: flags.policy,
    readStdin: () => readFileSync(0, 'utf8'),
    ...more,
    policy: { ...more.policy, ...(flags.serviceType ? { ports: { defaultType: flags.serviceType } } : {}) },
  };
}

/** Prints diagnostics as compile does: only errors with --quiet. */
export function showDiagnostics(io: Io, diagnostics: readonly Diagnostic[], flags: ProjectFlags): void {
  const shown = flags.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
  reportDiagnostics(io, shown, flags.reporter);
}
