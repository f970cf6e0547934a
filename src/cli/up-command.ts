import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { newSid } from '../executor/systems.js';
import type { Exposure } from '../model/system.js';
import { clusterCommand, withCluster } from './cluster-options.js';
import { addDeployOptions, runDeploy, type DeployFlags } from './deploy-run.js';
import { ExitCode, type Io } from './io.js';
import { renderDiagnostics } from './render.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface UpFlags extends DeployFlags {
  file?: string[];
  projectName?: string;
  name?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  imagePrefix?: string;
  policy?: string;
  serviceType?: Exposure;
  strict?: boolean;
}

/** `tychoc up [files...]`: compile compose files and run the system on the cluster. */
export function upCommand(io: Io, version: string): Command {
  const cmd = clusterCommand(io, 'up')
    .description('compile compose files and run them on a cluster as a new system (or update one with --sid)')
    .argument('[files...]', 'compose files, merged in order (`-` for standard input)')
    .option('-f, --file <file>', 'compose file (repeatable; same as a positional file)', collect)
    .option('-p, --project-name <name>', 'project name (default: `name:`, COMPOSE_PROJECT_NAME, or the directory)')
    .addOption(new Option('--name <name>', 'alias of --project-name').hideHelp())
    .option('--project-directory <dir>', 'project directory (default: the first file\'s directory)')
    .option('--env-file <file>', 'environment file replacing the project\'s .env (repeatable)', collect)
    .option('--profile <profile>', 'activate a profile (repeatable; default COMPOSE_PROFILES)', collect)
    .option('--image-prefix <prefix>', 'registry prefix for images derived from build:')
    .option('--policy <file>', 'policy file (default: tycho.policy.yaml in the project directory)')
    .addOption(new Option('--service-type <type>', 'Service type of services without their own setting').choices(['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless']))
    .option('--strict', 'treat compile warnings as errors');
  return addDeployOptions(cmd).action(async (files: string[], flags: UpFlags) => {
    io.exit(await runUp(io, [...files, ...(flags.file ?? [])], flags, version));
  });
}

async function runUp(io: Io, files: string[], flags: UpFlags, version: string): Promise<ExitCode> {
  // Chosen before compiling, so that every label and selector the compiler writes names it.
  const sid = flags.sid ?? newSid();
  const { compile } = await import('../compile.js');
  const result = compile({
    files,
    cwd: io.cwd,
    env: io.env,
    envFiles: flags.envFile,
    projectName: flags.projectName ?? flags.name,
    projectDirectory: flags.projectDirectory,
    profiles: flags.profile,
    imagePrefix: flags.imagePrefix,
    policyFile: flags.policy,
    policy: flags.serviceType ? { ports: { defaultType: flags.serviceType } } : {},
    sid,
    username: flags.username,
    readStdin: () => readFileSync(0, 'utf8'),
  });
  const shown = flags.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  if (shown.length > 0) io.stderr(renderDiagnostics(shown, io.cwd));
  if (!result.manifests || !result.system || (flags.strict && result.diagnostics.length > 0)) return ExitCode.input;
  const { manifests, system } = result;
  return withCluster(io, flags, (kube) => runDeploy(io, kube, manifests, system.name, { ...flags, newSid: sid }, version, false));
}
