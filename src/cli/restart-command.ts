import type { Command } from 'commander';
import { clusterCommand, parseSystem, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** `tychoc restart SYSTEM [SERVICE]`: roll the pods of a running system's services, as `kubectl rollout restart`. */
export function restartCommand(io: Io): Command {
  return clusterCommand(io, 'restart')
    .description('restart the pods of a system\'s services (every service, or one) with a rolling restart')
    .argument('<system>', 'system id, or a project name with one system (see tychoc status)', parseSystem)
    .argument('[service]', 'only this compose service')
    .option('-n, --namespace <namespace>', 'look for the system only in this namespace')
    .action(async (ref: string, service: string | undefined, flags: ClusterFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const [{ withWorkloads, restartWorkloads }, { systemId }] = await Promise.all([import('../executor/modify.js'), import('../executor/systems.js')]);
          const sid = await systemId(kube, ref, flags.namespace);
          // Every service restarts but the one-shot Jobs, which have nothing to roll.
          const restarted = await withWorkloads(kube, sid, service, flags.namespace, (workloads) =>
            restartWorkloads(kube, service === undefined ? workloads.filter((w) => w.type.kind !== 'Job') : workloads), waiting(io));
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ sid, objects: restarted })}\n`);
          else io.stdout(`${restarted.join(', ')} restarted\n`);
          return ExitCode.ok;
        }),
      );
    });
}
