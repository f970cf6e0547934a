import type { Command } from 'commander';
import { parseCount, sidOf, systemCommand, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { onStopSignals } from './signals.js';

interface LogsFlags extends ClusterFlags {
  follow?: boolean;
  tail?: number;
  timestamps?: boolean;
  prefix: boolean;
}

/** `tychoc logs SYSTEM [SERVICE...]`: the logs of a system's pods, as `docker compose logs` shows them. */
export function logsCommand(io: Io): Command {
  return systemCommand(io, 'logs', 'print the logs of a system\'s pods (every service, or some), each line prefixed by its replica')
    .argument('[services...]', 'only these compose services')
    .option('-f, --follow', 'keep printing lines as they come, until Ctrl-C')
    .option('--tail <lines>', 'only the last lines of each log', parseCount)
    .option('-t, --timestamps', 'show the time of each line')
    .option('--no-prefix', 'do not prefix lines with the replica')
    .action(async (ref: string, services: string[], flags: LogsFlags) => {
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { systemLogs } = await import('../executor/logs.js');
          const sid = await sidOf(kube, ref, flags.namespace);
          // Ctrl-C is how a followed log ends: the streams close and the command ends normally.
          const stop = new AbortController();
          const restore = flags.follow ? onStopSignals(() => stop.abort()) : () => undefined;
          try {
            await systemLogs(kube, sid, flags.namespace, { services, follow: !!flags.follow, tail: flags.tail, timestamps: !!flags.timestamps, prefix: flags.prefix }, (t) => io.stdout(t), stop.signal);
          } finally {
            restore();
          }
          return ExitCode.ok;
        }),
      );
    });
}
