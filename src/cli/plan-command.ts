import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import type { Kube } from '../executor/systems.js';
import type { ShardPlan, Topology } from '../plan/index.js';
import { clusterCommand, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { formatPlan } from './plan-output.js';
import { projectCompileOptions, showDiagnostics, withProjectOptions, type ProjectFlags } from './project-options.js';

interface PlanFlags extends ProjectFlags, ClusterFlags {
  topology?: string;
  cluster?: boolean;
  local?: boolean;
}

/** `tychoc plan [files...]`: where the shards of the project's sharded services go on a file's nodes, the cluster's, or this machine. */
export function planCommand(io: Io): Command {
  return withProjectOptions(clusterCommand(io, 'plan').description('lay the shards of sharded services (x-tycho.shards) out on nodes, and show what is left on each'))
    .addOption(new Option('--topology <file>', 'the nodes of a YAML or JSON file (see schemas/topology.schema.json)').conflicts(['cluster', 'local']))
    .addOption(new Option('--cluster', "the cluster's nodes, less what the pods on them request").conflicts('local'))
    .option('--local', 'this machine, as one node')
    .option('-q, --quiet', 'do not print warnings')
    .action(async (files: string[], flags: PlanFlags) => {
      if (flags.topology === undefined && !flags.cluster && !flags.local) {
        io.stderr('tychoc: plan needs nodes to plan on: --topology FILE, --cluster or --local\n');
        return io.exit(ExitCode.usage);
      }
      const plan = (topology: Topology | undefined, diagnostics: readonly Diagnostic[]) => runPlan(io, files, flags, topology, diagnostics);
      if (flags.cluster) return io.exit(await withCluster(io, flags, async (kube: Kube) => plan(await (await import('../plan/index.js')).clusterTopology(kube), [])));
      const { fileTopology, localTopology } = await import('../plan/index.js');
      const read = flags.local ? localTopology() : fileTopology(resolve(io.cwd, flags.topology!));
      io.exit(await plan(read.topology, read.diagnostics));
    });
}

/**
 * Compiles the project, plans its shards on the topology and prints the plan. Shard counts left to
 * the plan (`count: auto`) fail the first compile; it is done again with the plan's counts, so
 * that what is reported wrong is what the plan does not settle.
 */
async function runPlan(io: Io, files: readonly string[], flags: PlanFlags, topology: Topology | undefined, read: readonly Diagnostic[]): Promise<ExitCode> {
  if (!topology) return fail(io, read, flags);
  const [{ compile }, { planShards, shardCounts }] = await Promise.all([import('../compile.js'), import('../plan/index.js')]);
  const options = projectCompileOptions(io, files, flags, {});
  const first = compile(options);
  if (!first.system) return fail(io, first.diagnostics, flags);
  const { plan, diagnostics } = planShards(first.system, topology);
  if (diagnostics.length > 0) return fail(io, [...read, ...first.diagnostics.filter((d) => d.code !== Codes.unplannedShards), ...diagnostics], flags);
  const planned = first.manifests ? first : compile({ ...options, shardCounts: shardCounts(plan) });
  const all = [...read, ...planned.diagnostics];
  if (!planned.manifests || (flags.strict && all.length > 0)) return fail(io, all, flags);
  showDiagnostics(io, all, flags);
  if (plan.shards.length === 0 && !flags.quiet) io.stderr('tychoc: no service has shards (x-tycho.shards): there is nothing to lay out\n');
  io.stdout(flags.output === 'json' ? `${JSON.stringify(asJson(plan, topology), null, 2)}\n` : formatPlan(plan, topology));
  return ExitCode.ok;
}

function fail(io: Io, diagnostics: readonly Diagnostic[], flags: PlanFlags): ExitCode {
  showDiagnostics(io, diagnostics, flags);
  return ExitCode.input;
}

/** The plan with the topology it was made on; positions in a topology file are left out. */
function asJson(plan: ShardPlan, topology: Topology): object {
  return { ...plan, topology: { source: topology.source, nodes: topology.nodes.map(({ pos: _, ...node }) => node) } };
}
