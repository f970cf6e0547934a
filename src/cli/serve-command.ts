import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { clusterCommand, parseDuration, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { onStopSignals, STOP_SIGNALS } from './signals.js';

interface ServeFlags extends ClusterFlags {
  host: string;
  port: number;
  auth: 'tokens' | 'tokenreview';
  tokenFile?: string;
  adminGroup: string;
  namespace?: string;
  namespacePerSystem?: boolean;
  policy?: string;
  registry?: string;
  appContext?: string;
  reapEvery?: number;
  reapMaxAge?: number;
  reapIdle?: number;
}

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
};

/** `tychoc serve`: the HTTP API, until SIGTERM or Ctrl-C, which let requests in flight finish. */
export function serveCommand(io: Io, version: string) {
  return clusterCommand(io, 'serve')
    .description('serve the compute API (Tycho\'s /system routes and /systems) over HTTP')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 7051)
    .addOption(new Option('--auth <mode>', 'who callers are: a token file, or the cluster\'s TokenReview').choices(['tokens', 'tokenreview']).default('tokens'))
    .option('--token-file <file>', 'with --auth tokens: YAML list of {token, username, role: admin|user} (default: TYCHOC_TOKEN_FILE)')
    .option('--admin-group <group>', 'with --auth tokenreview: the group whose members are admins', 'system:masters')
    .option('-n, --namespace <namespace>', 'namespace of systems started without one (default: the context\'s)')
    .option('--namespace-per-system', 'give each system started without a namespace its own, <project>-<sid>, deleted again with it')
    .option('--policy <file>', 'policy file for every compile')
    .option('--registry <file|url>', 'an app registry to launch apps from: /apps routes (default: TYCHOC_REGISTRY)')
    .option('--app-context <context>', 'the registry context whose apps to offer (default: TYCHOC_CONTEXT, else the first)')
    .option('--reap-every <duration>', 'reap in the background this often: delete systems past their app\'s maxAge or idle (with --registry), or past --reap-max-age or --reap-idle', parseDuration)
    .option('--reap-max-age <duration>', 'with --reap-every: delete systems made longer ago than this, whatever their app', parseDuration)
    .option('--reap-idle <duration>', 'with --reap-every: delete systems not marked active for this long, whatever their app', parseDuration)
    .action(async (flags: ServeFlags) => {
      const tokenFile = flags.tokenFile ?? io.env['TYCHOC_TOKEN_FILE'];
      if (flags.auth === 'tokens' && !tokenFile) {
        io.stderr('tychoc: serve --auth tokens needs --token-file (or TYCHOC_TOKEN_FILE)\n');
        return io.exit(ExitCode.usage);
      }
      const reap = reapOption(io, flags);
      if (typeof reap === 'string') {
        io.stderr(`tychoc: ${reap}\n`);
        return io.exit(ExitCode.usage);
      }
      io.exit(await withCluster(io, flags, async (kube) => {
        const api = await import('../api/index.js');
        let authenticate;
        try {
          authenticate = flags.auth === 'tokens' ? api.tokenFile(resolve(io.cwd, tokenFile!)) : api.tokenReview(kube, flags.adminGroup);
        } catch (e) {
          io.stderr(`tychoc: ${(e as Error).message}\n`);
          return ExitCode.input;
        }
        const app = await api.buildServer({
          kube,
          authenticate,
          namespace: flags.namespace ?? kube.defaultNamespace,
          namespacePerSystem: !!flags.namespacePerSystem,
          ...(flags.policy ? { policyFile: resolve(io.cwd, flags.policy) } : {}),
          ...registryOption(io, flags),
          ...(reap ? { reap } : {}),
          version,
          logger: true,
        });
        await app.listen({ host: flags.host, port: flags.port });
        // Every address: listen() names only the first, which for 0.0.0.0 is loopback.
        const addresses = app.addresses().map((a) => (typeof a === 'string' ? a : `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`));
        io.stderr(`tychoc: serving on ${addresses.join(', ')}\n`);
        // The first signal closes gracefully (requests in flight finish); a second one exits at once.
        await new Promise<void>((done) => onStopSignals((signal, count) => (count === 1 ? done() : process.exit(STOP_SIGNALS[signal]))));
        await app.close();
        return ExitCode.ok;
      }));
    });
}

/** Where the /apps routes read the registry, if the server has one. */
function registryOption(io: Io, flags: ServeFlags): { registry?: { source: string; appContext?: string; cwd: string; env: Io['env'] } } {
  const source = flags.registry ?? io.env['TYCHOC_REGISTRY'];
  return source ? { registry: { source, ...(flags.appContext ? { appContext: flags.appContext } : {}), cwd: io.cwd, env: io.env } } : {};
}

/** The background reaping asked for, or what is wrong with the flags. */
function reapOption(io: Io, flags: ServeFlags): { everyMs: number; limits: { maxAgeMs?: number; idleMs?: number } } | string | undefined {
  const limits = { ...(flags.reapMaxAge !== undefined ? { maxAgeMs: flags.reapMaxAge } : {}), ...(flags.reapIdle !== undefined ? { idleMs: flags.reapIdle } : {}) };
  if (flags.reapEvery === undefined) return Object.keys(limits).length > 0 ? '--reap-max-age and --reap-idle need --reap-every' : undefined;
  if (flags.reapEvery < 1000) return '--reap-every must be at least 1s';
  // The registry's apps are read each round, and may gain limits later; without one there must be limits now.
  if (Object.keys(limits).length === 0 && !(flags.registry ?? io.env['TYCHOC_REGISTRY'])) return '--reap-every needs --registry (its apps\' maxAge and idle), --reap-max-age or --reap-idle';
  return { everyMs: flags.reapEvery, limits };
}
