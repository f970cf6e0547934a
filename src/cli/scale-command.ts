import type { Command } from 'commander';
import { parseCount, sidOf, systemCommand, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** `tychoc scale SYSTEM SERVICE N`: set a service's replicas through the scale subresource. */
export function scaleCommand(io: Io): Command {
  return systemCommand(io, 'scale', 'set the number of replicas of one service of a system')
    .argument('<service>', 'compose service name')
    .argument('<replicas>', 'number of replicas', parseCount)
    .action(async (ref: string, service: string, replicas: number, flags: ClusterFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { withWorkloads, scaleWorkloads } = await import('../executor/modify.js');
          const sid = await sidOf(kube, ref, flags.namespace);
          const scaled = await withWorkloads(kube, sid, service, flags.namespace, (workloads) => scaleWorkloads(kube, workloads, replicas), waiting(io));
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ sid, service, replicas, objects: scaled })}\n`);
          else io.stdout(`${scaled.join(', ')} scaled to ${replicas}\n`);
          return ExitCode.ok;
        }),
      );
    });
}
