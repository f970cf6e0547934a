import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { compile } from '../compile.js';
import { toFiles, toJsonList, toYamlStream } from '../emit/serialize.js';
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
    .option('--strict', 'treat warnings as errors')
    .option('-q, --quiet', 'do not print warnings')
    .action((files: string[], flags: CompileFlags & { name?: string }) => {
      io.exit(runCompile(io, [...files, ...(flags.file ?? [])], { ...flags, projectName: flags.projectName ?? flags.name }));
    });
}

function runCompile(io: Io, files: string[], flags: CompileFlags): ExitCode {
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
