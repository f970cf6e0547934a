import { InvalidArgumentError, type Command } from 'commander';
import { parseCount, sidOf, systemCommand, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

interface ModifyFlags extends ClusterFlags {
  service?: string;
  cpu?: string;
  memory?: string;
  replicas?: number;
  label?: Record<string, string>;
}

// The labels that say which system an object belongs to; changing them would orphan it.
const SYSTEM_KEYS = new Set(['executor', 'app-name', 'name', 'tycho-guid', 'username']);

const quantity = (value: string) => {
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/.test(value)) {
    throw new InvalidArgumentError('expected a Kubernetes quantity such as 500m, 2, 512Mi or 1G');
  }
  return value;
};

const label = (value: string, previous: Record<string, string> = {}) => {
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=(.*)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected key=value');
  if (SYSTEM_KEYS.has(m[1]!) || m[1]!.startsWith('applyset.kubernetes.io/')) throw new InvalidArgumentError(`${m[1]} is set by tychoc`);
  return { ...previous, [m[1]!]: m[2]! };
};

/** `tychoc modify SYSTEM`: change resources, replicas or labels of a running system's services. */
export function modifyCommand(io: Io): Command {
  return systemCommand(io, 'modify', 'change CPU, memory, replicas or labels of the services of a running system')
    .option('--service <name>', 'only this compose service (default: every service)')
    .option('--cpu <quantity>', 'CPU request and limit of every container, e.g. 500m', quantity)
    .option('--memory <quantity>', 'memory request and limit of every container, e.g. 512Mi', quantity)
    .option('--replicas <n>', 'number of replicas', parseCount)
    .option('--label <key=value>', 'label on the workload and its pods (repeatable)', label)
    .action(async (ref: string, flags: ModifyFlags) => {
      if (flags.cpu === undefined && flags.memory === undefined && flags.replicas === undefined && flags.label === undefined) {
        io.stderr('tychoc: modify needs at least one of --cpu, --memory, --replicas, --label\n');
        return io.exit(ExitCode.usage);
      }
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { withWorkloads, modifyWorkloads } = await import('../executor/modify.js');
          const sid = await sidOf(kube, ref, flags.namespace);
          const changes = { cpu: flags.cpu, memory: flags.memory, replicas: flags.replicas, labels: flags.label };
          const changed = await withWorkloads(kube, sid, flags.service, flags.namespace, (workloads) => modifyWorkloads(kube, workloads, changes), waiting(io));
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ sid, objects: changed })}\n`);
          else io.stdout(`${changed.join(', ')} modified\n`);
          return ExitCode.ok;
        }),
      );
    });
}
