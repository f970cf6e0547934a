import type { Command } from 'commander';
import type { Touched } from '../executor/activity.js';
import { sidOf, systemCommand, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { remote, remoteClient, withRemoteOptions, type RemoteFlags } from './remote.js';

/** `tychoc touch SYSTEM`: mark a system as in use now, so that `reap --idle` counts from here. */
export function touchCommand(io: Io): Command {
  return withRemoteOptions(systemCommand(io, 'touch', 'mark a system as in use now (its idle time, which reap --idle limits, starts again)'))
    .action(async (ref: string, flags: ClusterFlags & RemoteFlags) => {
      const show = (t: Touched) => io.stdout(flags.output === 'json' ? `${JSON.stringify(t)}\n` : `system ${t.sid}: active at ${t.lastActive}\n`);
      if (flags.server) {
        const client = await remoteClient(io, flags);
        if (typeof client === 'number') return io.exit(client);
        return io.exit(await remote(io, async () => {
          const t = await client.touch(ref);
          show({ sid: t.sid, namespace: t.namespace, lastActive: t.last_active });
          return ExitCode.ok;
        }));
      }
      io.exit(await withCluster(io, flags, async (kube) => {
        const { touchSystem } = await import('../executor/activity.js');
        show(await touchSystem(kube, await sidOf(kube, ref, flags.namespace), flags.namespace));
        return ExitCode.ok;
      }));
    });
}
