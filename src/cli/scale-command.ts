import type { Command } from 'commander';
import { clusterCommand, parseCount, parseSid, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** `tychoc scale SID SERVICE N`: set a service's replicas through the scale subresource. */
export function scaleCommand(io: Io): Command {
  return clusterCommand(io, 'scale')
    .description('set the number of replicas of one service of a system')
    .argument('<sid>', 'system id (see tychoc status)', parseSid)
    .argument('<service>', 'compose service name')
    .argument('<replicas>', 'number of replicas', parseCount)
    .option('-n, --namespace <namespace>', 'look for the system only in this namespace')
    .action(async (sid: string, service: string, replicas: number, flags: ClusterFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { withWorkloads, scaleWorkloads } = await import('../executor/modify.js');
          const scaled = await withWorkloads(kube, sid, service, flags.namespace, (workloads) => scaleWorkloads(kube, workloads, replicas), waiting(io));
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ sid, service, replicas, objects: scaled })}\n`);
          else io.stdout(`${scaled.join(', ')} scaled to ${replicas}\n`);
          return ExitCode.ok;
        }),
      );
    });
}
