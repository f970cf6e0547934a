import type { Command } from 'commander';
import { clusterCommand, exitCodeFor, parseCount, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { registryApps, withRegistryOptions, type RegistryFlags } from './registry-options.js';
import { reportDiagnostics } from './reporters.js';

interface LaunchFlags extends ClusterFlags, RegistryFlags {
  user: string;
  uid?: number;
  gid?: number;
  cpu?: string;
  memory?: string;
  gpus?: number;
  env: string[];
}

const assignment = (value: string, previous: string[] = []) => [...previous, value];

/** `tychoc launch APP --user NAME`: an app of the registry, launched for one user. */
export function launchCommand(io: Io, version: string): Command {
  return withRegistryOptions(clusterCommand(io, 'launch'))
    .description('launch an app of the registry for a user: their identity, home, base URL and resources')
    .argument('<app>', 'the app\'s id (see tychoc apps list)')
    .requiredOption('--user <name>', 'the user it is launched for')
    .option('--uid <uid>', 'the user\'s uid: every container runs as it, and the home is made as it', parseCount)
    .option('--gid <gid>', 'the user\'s gid', parseCount)
    .option('--cpu <quantity>', 'CPUs (e.g. 500m, 2), up to the app\'s maximum')
    .option('--memory <quantity>', 'memory (e.g. 2Gi), up to the app\'s maximum')
    .option('--gpus <count>', 'GPUs, up to the app\'s maximum', parseCount)
    .option('--env <KEY=VALUE>', 'a variable for the compose file\'s interpolation (repeatable)', assignment, [])
    .option('-n, --namespace <namespace>', 'where the homes\' claim and the launch leases are (default: the registry\'s, else the context\'s); the system gets a namespace of its own')
    .action(async (id: string, flags: LaunchFlags) => {
      const env: Record<string, string> = {};
      for (const a of flags.env) {
        const eq = a.indexOf('=');
        if (eq < 1) {
          io.stderr(`tychoc: --env ${a}: expected KEY=VALUE\n`);
          return io.exit(ExitCode.usage);
        }
        env[a.slice(0, eq)] = a.slice(eq + 1);
      }
      const found = await registryApps(io, flags);
      if (typeof found === 'number') return io.exit(found);
      const app = found.apps.get(id);
      if (!app) {
        io.stderr(`tychoc: no app ${id} (apps: ${[...found.apps.keys()].join(', ') || 'none'})\n`);
        return io.exit(ExitCode.input);
      }
      io.exit(await withCluster(io, flags, async (kube) => {
        const { launchApp, LaunchRefused } = await import('../registry/index.js');
        const namespace = flags.namespace ?? found.registry.settings.namespace ?? kube.defaultNamespace;
        const request = {
          user: flags.user,
          env,
          ...(flags.uid !== undefined ? { uid: flags.uid } : {}),
          ...(flags.gid !== undefined ? { gid: flags.gid } : {}),
          ...(flags.cpu !== undefined ? { cpu: flags.cpu } : {}),
          ...(flags.memory !== undefined ? { memory: flags.memory } : {}),
          ...(flags.gpus !== undefined ? { gpus: flags.gpus } : {}),
        };
        try {
          const launched = await launchApp(kube, app, request, { ...found.registry.settings, namespace }, { tooling: `tychoc/${version}` });
          reportDiagnostics(io, launched.warnings, flags.reporter);
          if (flags.output === 'json') io.stdout(`${JSON.stringify({ app: id, user: flags.user, sid: launched.sid, namespace: launched.namespace })}\n`);
          else io.stdout(`launched ${id} for ${flags.user} in namespace ${launched.namespace} (sid ${launched.sid})\n`);
          return ExitCode.ok;
        } catch (e) {
          if (!(e instanceof LaunchRefused)) throw e;
          reportDiagnostics(io, e.diagnostics, flags.reporter);
          io.stderr(`tychoc: ${e.message}\n`);
          return e.reason === 'instances' ? exitCodeFor('conflict') : e.reason === 'home' ? exitCodeFor('config') : ExitCode.input;
        }
      }));
    });
}
