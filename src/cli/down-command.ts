import type { Command } from 'commander';
import type { DownResult } from '../executor/delete.js';
import { clusterCommand, durationOption, parseSystem, sidOf, waiting, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { remote, remoteClient, withRemoteOptions, type RemoteFlags } from './remote.js';

interface DownFlags extends ClusterFlags, RemoteFlags {
  volumes?: boolean;
  timeout: number;
}

/** `tychoc down SYSTEM...`: delete systems, and nothing else. */
export function downCommand(io: Io): Command {
  return withRemoteOptions(clusterCommand(io, 'down'))
    // Tycho's and the registry's word for taking a launched app down.
    .alias('stop')
    .description('delete every object of the given systems (and only those) and wait until they are gone')
    .argument('<system...>', 'system ids, or project names with one system each (see tychoc status)', (v: string, prev: string[] = []) => [...prev, parseSystem(v)])
    .option('-n, --namespace <namespace>', 'look for the systems only in this namespace')
    .option('--volumes', 'also delete the systems\' volume claims (default: keep them and their data)')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the objects to be gone', 120_000))
    .action(async (refs: string[], flags: DownFlags) => {
      if (flags.server) return io.exit(await downRemote(io, refs, flags));
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { takeDown } = await import('../executor/delete.js');
          const results: Record<string, DownResult> = {};
          for (const ref of refs) {
            const sid = await sidOf(kube, ref, flags.namespace);
            results[sid] = await takeDown(kube, { sid, namespace: flags.namespace, volumes: !!flags.volumes, timeoutMs: flags.timeout }, waiting(io));
            if (flags.output !== 'json') io.stdout(describe(sid, results[sid]!));
          }
          if (flags.output === 'json') io.stdout(`${JSON.stringify(results, null, 2)}\n`);
          return ExitCode.ok;
        }),
      );
    });
}

function describe(sid: string, r: DownResult): string {
  let text = `system ${sid}: deleted ${r.deleted.length} object(s)`;
  if (r.namespaces.deleted.length) text += ` and namespace ${r.namespaces.deleted.join(', ')}`;
  if (r.keptClaims.length) text += `; kept ${r.keptClaims.join(', ')} (--volumes deletes them)`;
  for (const ns of r.namespaces.kept) text += `; kept namespace ${ns.name}, which still holds ${ns.holds.join(', ')}`;
  return `${text}\n`;
}

/** `down --server`: the server deletes the systems, if they are the caller's. */
async function downRemote(io: Io, refs: readonly string[], flags: DownFlags): Promise<ExitCode> {
  const client = await remoteClient(io, flags);
  if (typeof client === 'number') return client;
  return remote(io, async () => {
    for (const sid of refs) {
      const r = await client.delete(sid, { volumes: !!flags.volumes });
      io.stdout(`system ${sid}: deleted ${r.deleted.length} object(s)${r.keptClaims.length ? `; kept ${r.keptClaims.join(', ')} (--volumes deletes them)` : ''}\n`);
    }
    return ExitCode.ok;
  });
}
