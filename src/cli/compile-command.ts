import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Policy } from '../model/policy.js';
import type { Exposure } from '../model/system.js';
import { renderDiagnostics } from './render.js';
import { ExitCode, type Io } from './io.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface CompileFlags {
  file?: string[];
  output?: string;
  format: 'yaml' | 'json';
  namespace?: string;
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  imagePrefix?: string;
  strict?: boolean;
  quiet?: boolean;
  policy?: string;
  sid?: string;
  username?: string;
  serviceType?: Exposure;
  bindMounts?: Policy['volumes']['binds'];
  networkPolicies?: boolean;
  templates?: string;
  proxyOutput?: Policy['proxy']['output'];
}

/** `tychoc compile [files...]`: compose files in, manifests out (stdout or a directory). */
export function compileCommand(io: Io): Command {
  return new Command('compile')
    .description('compile compose files into Kubernetes manifests')
    .argument('[files...]', 'compose files, merged in order (`-` for standard input)')
    .option('-f, --file <file>', 'compose file (repeatable; same as a positional file)', collect)
    .option('-o, --output <dir>', 'write one file per object and a kustomization.yaml into DIR')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('-n, --namespace <namespace>', 'namespace for every object')
    .option('-p, --project-name <name>', 'project name (default: `name:`, COMPOSE_PROJECT_NAME, or the directory)')
    .addOption(new Option('--name <name>', 'alias of --project-name').hideHelp())
    .option('--project-directory <dir>', 'project directory (default: the first file\'s directory)')
    .option('--env-file <file>', 'environment file replacing the project\'s .env (repeatable)', collect)
    .option('--profile <profile>', 'activate a profile (repeatable; default COMPOSE_PROFILES)', collect)
    .option('--image-prefix <prefix>', 'registry prefix for images derived from build:, e.g. registry.example.com/team/')
    .option('--policy <file>', 'policy file (default: tycho.policy.yaml in the project directory)')
    .option('--sid <id>', 'system id label (default: derived from the project name)')
    .option('--username <name>', 'username label, for systems launched on behalf of a user')
    .addOption(new Option('--service-type <type>', 'Service type of services without their own setting').choices(['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless']))
    .addOption(new Option('--bind-mounts <mode>', 'where bind mounts go').choices(['claim', 'hostPath', 'emptyDir', 'reject']))
    .option('--network-policies', 'emit NetworkPolicies from compose networks')
    .addOption(new Option('--proxy-output <kind>', 'how proxy_rewrite services are routed').choices(['ambassador', 'ingress', 'httproute']))
    .option('--templates <dir>', 'directory of Handlebars templates replacing the built-in ones of the same name')
    .option('--strict', 'treat warnings as errors')
    .option('-q, --quiet', 'do not print warnings')
    .action(async (files: string[], flags: CompileFlags & { name?: string }) => {
      io.exit(await runCompile(io, [...files, ...(flags.file ?? [])], { ...flags, projectName: flags.projectName ?? flags.name }));
    });
}

async function runCompile(io: Io, files: string[], flags: CompileFlags): Promise<ExitCode> {
  // The compiler (cdk8s and the Kubernetes classes above all) loads only when a command compiles:
  // --help, --version and the cluster commands start without it.
  const [{ compile }, { toFiles, toJsonList, toYamlStream }] = await Promise.all([import('../compile.js'), import('../emit/serialize.js')]);
  const result = compile({
    files,
    cwd: io.cwd,
    env: io.env,
    envFiles: flags.envFile,
    projectName: flags.projectName,
    projectDirectory: flags.projectDirectory,
    profiles: flags.profile,
    imagePrefix: flags.imagePrefix,
    namespace: flags.namespace,
    readStdin: () => readFileSync(0, 'utf8'),
    policyFile: flags.policy,
    sid: flags.sid,
    username: flags.username,
    templatesDir: flags.templates,
    policy: {
      ...(flags.serviceType ? { ports: { defaultType: flags.serviceType } } : {}),
      ...(flags.bindMounts ? { volumes: { binds: flags.bindMounts } } : {}),
      ...(flags.networkPolicies ? { networks: { policies: true } } : {}),
      ...(flags.proxyOutput ? { proxy: { output: flags.proxyOutput } } : {}),
    },
  });
  const shown = flags.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  if (shown.length > 0) io.stderr(renderDiagnostics(shown, io.cwd));
  const failed = !result.manifests || (flags.strict && result.diagnostics.length > 0);
  if (failed) return ExitCode.input;
  if (flags.output) {
    const dir = resolve(io.cwd, flags.output);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of toFiles(result.manifests!, flags.format)) writeFileSync(join(dir, name), content);
  } else {
    io.stdout(flags.format === 'json' ? toJsonList(result.manifests!) : toYamlStream(result.manifests!));
  }
  return ExitCode.ok;
}
