import type { Command } from 'commander';
import type { ServiceStatus, SystemStatus } from '../executor/status.js';
import { age, clusterCommand, exitCodeFor, parseSystem, sidOf, table, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { remote, remoteClient, showSystems, withRemoteOptions, type RemoteFlags } from './remote.js';

interface StatusFlags extends ClusterFlags, RemoteFlags {
  terse?: boolean;
  user?: string;
}

/** `tychoc status [SID]`: the systems on the cluster, service by service. */
export function statusCommand(io: Io): Command {
  return withRemoteOptions(clusterCommand(io, 'status'))
    .description('show systems (all visible, or one): replicas, pods, restarts and ports per service')
    .argument('[system]', 'only this system: its id, or its project\'s name', parseSystem)
    .option('-n, --namespace <namespace>', 'only systems in this namespace (default: all namespaces you may list)')
    .option('--terse', 'one line per system')
    .option('--user <name>', 'only the systems launched for this user')
    .action(async (ref: string | undefined, flags: StatusFlags) => {
      if (flags.server) return io.exit(await statusRemote(io, ref, flags));
      io.exit(
        await withCluster(io, flags, async (kube) => {
          const { systemStatus } = await import('../executor/status.js');
          const sid = ref === undefined ? undefined : await sidOf(kube, ref, flags.namespace);
          const { userLabel } = await import('../emit/system-labels.js');
          const all = await systemStatus(kube, { sid, namespace: flags.namespace });
          const systems = flags.user === undefined ? all : all.filter((s) => s.username === userLabel(flags.user!));
          if (sid && systems.length === 0) {
            io.stderr(`tychoc: no system with id ${sid}\n`);
            return exitCodeFor('notFound');
          }
          if (flags.output === 'json') io.stdout(`${JSON.stringify(systems, null, 2)}\n`);
          else if (systems.length === 0) io.stdout('no systems\n');
          else io.stdout(flags.terse ? terse(systems) : systems.map(detailed).join('\n'));
          return ExitCode.ok;
        }),
      );
    });
}

const readyOf = (s: ServiceStatus) => `${s.ready}/${s.desired}`;

function terse(systems: readonly SystemStatus[]): string {
  const rows = systems.map((s) => {
    const ready = s.services.filter((v) => v.rolledOut).length;
    return [s.name, s.sid, s.namespace, `${ready}/${s.services.length}`, age(s.created)];
  });
  return table([['SYSTEM', 'SID', 'NAMESPACE', 'READY', 'AGE'], ...rows]);
}

function detailed(s: SystemStatus): string {
  const head = `system ${s.name} (sid ${s.sid}) in namespace ${s.namespace}, ${age(s.created)} old${s.user ?? s.username ? `, user ${s.user ?? s.username}` : ''}\n`;
  const rows = s.services.map((v) => [
    v.name,
    v.kind,
    readyOf(v),
    Object.entries(v.pods).map(([phase, n]) => `${phase}:${n}`).join(',') || '-',
    String(v.restarts),
    v.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',') || '-',
    age(v.created),
  ]);
  const services = table([['SERVICE', 'KIND', 'READY', 'PODS', 'RESTARTS', 'PORTS', 'AGE'], ...rows]);
  const claims = s.claims.map((c) => [c.name, c.phase, c.capacity ?? '-', c.storageClass ?? '-']);
  return head + services + (claims.length > 0 ? table([['CLAIM', 'STATUS', 'CAPACITY', 'STORAGECLASS'], ...claims]) : '');
}

/** `status --server`: the systems the server lets the caller see. */
async function statusRemote(io: Io, ref: string | undefined, flags: StatusFlags): Promise<ExitCode> {
  const client = await remoteClient(io, flags);
  if (typeof client === 'number') return client;
  return remote(io, async () => {
    const systems = ref === undefined ? await client.status(flags.user !== undefined ? { username: flags.user } : {}) : [await client.system(ref)];
    io.stdout(flags.output === 'json' ? `${JSON.stringify(systems, null, 2)}\n` : showSystems(systems, !!flags.terse));
    return ExitCode.ok;
  });
}
