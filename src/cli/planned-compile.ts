import type { CompileOptions, CompileResult } from '../compile.js';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import type { Topology } from '../plan/index.js';
import type { ClusterFlags } from './cluster-options.js';
import type { Io } from './io.js';
import { projectCompileOptions, showDiagnostics, type ProjectFlags } from './project-options.js';

/** Where the nodes a plan is made on come from, read only when a plan is needed. */
export type TopologySource = () => Promise<{ topology?: Topology; diagnostics: readonly Diagnostic[] }>;

/** The cluster's nodes as they are now, for the commands that deploy (or compare with) what they compile. */
export function clusterNodes(io: Io, flags: ClusterFlags): TopologySource {
  return async () => {
    const [{ connect }, { clusterTopology }] = await Promise.all([import('../executor/kubeconfig.js'), import('../plan/index.js')]);
    const kube = await connect({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd, requestTimeoutMs: flags.requestTimeout });
    try {
      return { topology: await clusterTopology(kube), diagnostics: [] };
    } finally {
      kube.client.close();
    }
  };
}

/**
 * Compiles the project the arguments name and prints its diagnostics (only errors with --quiet);
 * the result, or undefined when compiling failed (or warned, with --strict). The compiler (cdk8s and
 * the Kubernetes classes above all) loads here, so commands that do not compile start without it.
 * A project whose shard counts are left to a plan
 * (`x-tycho.shards.count: auto`) is planned on the nodes `nodes` gives, and compiled again with the
 * plan's counts. Without `nodes`, such a project fails as it would without a plan.
 */
export async function compilePlanned(io: Io, files: readonly string[], flags: ProjectFlags, more: Omit<CompileOptions, 'files' | 'cwd' | 'env'>, nodes?: TopologySource): Promise<CompileResult | undefined> {
  const { compile } = await import('../compile.js');
  const options = projectCompileOptions(io, files, flags, more);
  let result = compile(options);
  let shown: readonly Diagnostic[] = result.diagnostics;
  if (!result.manifests && nodes && result.system && result.diagnostics.some((d) => d.code === Codes.unplannedShards)) {
    const { planShards, shardCounts } = await import('../plan/index.js');
    const read = await nodes();
    const planned = read.topology ? planShards(result.system, read.topology) : undefined;
    if (!planned || planned.diagnostics.length > 0) {
      showDiagnostics(io, [...read.diagnostics, ...result.diagnostics.filter((d) => d.code !== Codes.unplannedShards), ...(planned?.diagnostics ?? [])], flags);
      return undefined;
    }
    result = compile({ ...options, shardCounts: shardCounts(planned.plan) });
    shown = [...read.diagnostics, ...result.diagnostics];
  }
  showDiagnostics(io, shown, flags);
  return result.manifests && !(flags.strict && shown.length > 0) ? result : undefined;
}
