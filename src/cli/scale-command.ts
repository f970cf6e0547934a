import type { Command } from 'commander';
import { clusterCommand, parseCount, parseSystem, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** `tychoc scale SID SERVICE N`: set a service's replicas through the scale subresource. */
export function scaleCommand(io: Io): Command {
  return clusterCommand(io, 'scale')
    .description('set the number of replicas of one service of a system')
    .argument('<system>', 'system id, or a project name with one system (see tychoc status)', parseSystem)
    .argument('<service>', 'compose service name')
    .argument('<replicas>', 'number of replicas', parseCount)
    .option('-n, --namespace <namespace>', 'look for the system only in this namespace')
    .action(async (ref: string, service: string, replicas: number, flags: ClusterFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const [{ withWorkloads, scaleWorkloads }, { systemId }] = await Promise.all([import('../executor/modify.js'), import('../executor/systems.js')]);
          const sid = await systemId(kube, ref, flags.namespace);
          const scaled = await withWorkloads(kube, sid, service, flags.namespace, (workloads) => scaleWorkloads(kube, workloads, replicas), waiting(io));
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ sid, service, replicas, objects: scaled })}\n`);
          else io.stdout(`${scaled.join(', ')} scaled to ${replicas}\n`);
          return ExitCode.ok;
        }),
      );
    });
}
