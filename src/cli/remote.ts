import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SystemView, TychoClient } from '../api/index.js';
import { discoverComposeFiles } from '../frontend/discover.js';
import type { FailureKind } from '../executor/errors.js';
import { age, exitCodeFor, table, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';

/** How to reach a `tychoc serve` instead of the cluster. */
export interface RemoteFlags {
  server?: string;
  tokenFile?: string;
}

/** Adds --server and --token-file to a command that can also talk to a server. */
export function withRemoteOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'a tychoc serve to ask instead of the cluster: its URL, or its Service as svc/[NAMESPACE/]NAME[:PORT], found through the kubeconfig')
    .option('--token-file <file>', 'with --server: file holding the bearer token (default: TYCHOC_TOKEN)');
}

/** The client for --server, or the exit code of why there is none (no token; a Service that cannot be found). */
export async function remoteClient(io: Io, flags: RemoteFlags & ClusterFlags): Promise<TychoClient | ExitCode> {
  const token = flags.tokenFile ? readFileSync(resolve(io.cwd, flags.tokenFile), 'utf8').trim() : io.env['TYCHOC_TOKEN'];
  if (!token) {
    io.stderr('tychoc: --server needs a token: --token-file or TYCHOC_TOKEN\n');
    return ExitCode.usage;
  }
  const { TychoClient } = await import('../api/client.js');
  const { locateServer, parseServerService } = await import('../api/locate.js');
  const service = parseServerService(flags.server!);
  if (!service) return new TychoClient(flags.server!, token);
  let url = '';
  const code = await withCluster(io, flags, async (kube) => {
    // -n names the systems' namespace, not the server's: that is the Service's own, or the context's.
    url = await locateServer(kube, service, { inCluster: !!io.env['KUBERNETES_SERVICE_HOST'] });
    return ExitCode.ok;
  });
  return code === ExitCode.ok ? new TychoClient(url, token) : code;
}

const HTTP_KINDS: Record<number, FailureKind> = { 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 413: 'invalid', 503: 'unreachable', 504: 'timeout' };

/** Runs a call against the server; its error (with the server's diagnostics) becomes a message and an exit code. */
export async function remote(io: Io, fn: () => Promise<ExitCode>): Promise<ExitCode> {
  const { TychoApiError } = await import('../api/client.js');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TychoApiError) {
      const diagnostics = (e.result as { diagnostics?: string[] } | undefined)?.diagnostics;
      io.stderr(diagnostics ? `${diagnostics.join('\n')}\n` : `tychoc: ${e.message}\n`);
      // The same exit codes as talking to the cluster, by what the server says went wrong.
      if (e.status === 400 || e.status === 422) return ExitCode.input;
      return exitCodeFor(HTTP_KINDS[e.status] ?? 'server');
    }
    if (e instanceof TypeError) {
      io.stderr(`tychoc: cannot reach the server: ${(e.cause as Error | undefined)?.message ?? e.message}\n`);
      return exitCodeFor('unreachable');
    }
    throw e;
  }
}

/**
 * What `up --server` sends: the compose file (the first one named, else the one found in the
 * directory) and the `.env` beside it. Files it includes or extends stay here; the server reads
 * nothing but what it is sent.
 */
export function composeRequest(io: Io, files: readonly string[]): { system: string; env?: string } | undefined {
  const file = files[0] ? resolve(io.cwd, files[0]) : discoverComposeFiles(io.cwd)[0];
  if (!file || !existsSync(file)) {
    io.stderr(`tychoc: no compose file ${files[0] ? files[0] : `in ${io.cwd}`}\n`);
    return undefined;
  }
  const env = join(dirname(file), '.env');
  return { system: readFileSync(file, 'utf8'), ...(existsSync(env) ? { env: readFileSync(env, 'utf8') } : {}) };
}

/** Systems as `status --terse` or `status` show them. */
export function showSystems(systems: readonly SystemView[], terse: boolean): string {
  if (systems.length === 0) return 'no systems\n';
  if (terse) {
    const rows = systems.map((s) => [s.name, s.sid, s.namespace, `${Object.values(s.services).filter((v) => v.ready >= v.desired).length}/${Object.keys(s.services).length}`, age(s.creation_time)]);
    return table([['SYSTEM', 'SID', 'NAMESPACE', 'READY', 'AGE'], ...rows]);
  }
  return systems
    .map((s) => {
      const head = `system ${s.name} (sid ${s.sid}) in namespace ${s.namespace}, ${age(s.creation_time)} old${s.username ? `, user ${s.username}` : ''}\n`;
      const rows = Object.entries(s.services).map(([name, v]) => [name, v.kind, `${v.ready}/${v.desired}`, v.host, v.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',') || '-']);
      return head + table([['SERVICE', 'KIND', 'READY', 'HOST', 'PORTS'], ...rows]);
    })
    .join('\n');
}
