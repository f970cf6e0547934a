import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { CompileOptions } from '../compile.js';
import type { Policy } from '../model/policy.js';
import { parseSid } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { compilePlanned, type TopologySource } from './planned-compile.js';
import { withProjectOptions, type ProjectFlags } from './project-options.js';

/** compile's flags as commander parses them. */
export interface CompileFlags extends ProjectFlags {
  output?: string;
  format: 'yaml' | 'json' | 'helm';
  namespace?: string;
  sid?: string;
  username?: string;
  bindMounts?: Policy['volumes']['binds'];
  networkPolicies?: boolean;
  templates?: string;
  proxyOutput?: Policy['proxy']['output'];
  topology?: string;
  each?: boolean;
}

/** `tychoc compile [files...]`: compose files in, manifests out (stdout or a directory). */
export function compileCommand(io: Io): Command {
  return withProjectOptions(new Command('compile').description('compile compose files into Kubernetes manifests'))
    .option('-o, --output <dir>', 'write one file per object and a kustomization.yaml (--format helm: a chart) into DIR (`-`: standard output, as without -o)')
    .addOption(new Option('--format <format>', 'output format (helm: a chart, into -o DIR)').choices(['yaml', 'json', 'helm']).default('yaml'))
    .option('-n, --namespace <namespace>', 'namespace for every object')
    .option('--sid <id>', 'system id label (default: derived from the project name)', parseSid)
    .option('--username <name>', 'username label, for systems launched on behalf of a user')
    .addOption(new Option('--bind-mounts <mode>', 'where bind mounts go').choices(['files', 'claim', 'hostPath', 'emptyDir', 'reject']))
    .option('--network-policies', 'emit NetworkPolicies from compose networks')
    .addOption(new Option('--proxy-output <kind>', 'how proxy_rewrite services are routed').choices(['ambassador', 'ingress', 'httproute']))
    .option('--templates <dir>', 'directory of Handlebars templates replacing the built-in ones of the same name')
    .option('--topology <file>', 'nodes to plan shard counts left to a plan (x-tycho.shards.count: auto) on (see tychoc plan)')
    .option('-q, --quiet', 'do not print warnings')
    .option('--each', 'compile each file or directory given as a project of its own, into its own directory below -o DIR')
    .action(async (files: string[], flags: CompileFlags) => {
      const each = flags.each ? (await import('./batch-compile.js')).runEach : undefined;
      io.exit(await (each ? each(io, files, flags, runCompile) : runCompile(io, files, flags)));
    });
}

/** The compile options compile's own flags ask for, beside the project's (files, env, policy file…). */
export function compileFlagOptions(flags: CompileFlags): Omit<CompileOptions, 'files' | 'cwd' | 'env'> {
  return {
    namespace: flags.namespace,
    sid: flags.sid,
    username: flags.username,
    templatesDir: flags.templates,
    policy: {
      ...(flags.bindMounts ? { volumes: { binds: flags.bindMounts } } : {}),
      ...(flags.networkPolicies ? { networks: { policies: true } } : {}),
      ...(flags.proxyOutput ? { proxy: { output: flags.proxyOutput } } : {}),
    },
  };
}

/** What `tychoc compile` does once its arguments are parsed; the Argo CD plugin runs it too. */
export async function runCompile(io: Io, files: string[], flags: CompileFlags): Promise<ExitCode> {
  const nodes: TopologySource | undefined = flags.topology === undefined ? undefined : async () => (await import('../plan/index.js')).fileTopology(resolve(io.cwd, flags.topology!));
  const toStdout = !flags.output || flags.output === '-';
  if (flags.format === 'helm' && toStdout) {
    io.stderr('tychoc: --format helm writes a chart into a directory: pass -o DIR\n');
    return ExitCode.usage;
  }
  const result = await compilePlanned(io, files, flags, compileFlagOptions(flags), nodes);
  if (!result) return ExitCode.input;
  if (flags.format === 'helm') {
    const { writeHelmChart } = await import('./helm-output.js');
    writeHelmChart(resolve(io.cwd, flags.output!), result.system!, result.manifests!);
    return ExitCode.ok;
  }
  const { toFiles, toJsonList, toYamlStream } = await import('../emit/serialize.js');
  // `-o -` is standard output, as `-` is for input: a directory named `-` is never what was meant.
  if (!toStdout) {
    const dir = resolve(io.cwd, flags.output!);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of toFiles(result.manifests!, flags.format as 'yaml' | 'json')) writeFileSync(join(dir, name), content);
  } else {
    io.stdout(flags.format === 'json' ? toJsonList(result.manifests!) : toYamlStream(result.manifests!));
  }
  return ExitCode.ok;
}
