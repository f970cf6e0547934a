import type { Command } from 'commander';
import { sidOf, systemCommand, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** `tychoc restart SYSTEM [SERVICE]`: roll the pods of a running system's services, as `kubectl rollout restart`. */
export function restartCommand(io: Io): Command {
  return systemCommand(io, 'restart', 'restart the pods of a system\'s services (every service, or one) with a rolling restart')
    .argument('[service]', 'only this compose service')
    .action(async (ref: string, service: string | undefined, flags: ClusterFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { withWorkloads, restartWorkloads } = await import('../executor/modify.js');
          const sid = await sidOf(kube, ref, flags.namespace);
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
