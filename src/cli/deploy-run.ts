import { Command, Option } from 'commander';
import type { Manifest } from '../emit/chart.js';
import { userLabel } from '../emit/system-labels.js';
import type { DeployEvent } from '../executor/deploy.js';
import { ClusterError } from '../executor/errors.js';
import { LEASE_SECONDS } from '../executor/lock.js';
import type { Kube } from '../executor/systems.js';
import type { Rollout } from '../executor/wait.js';
import { durationOption, parseSid, table, waiting, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { onStopSignals, STOP_SIGNALS } from './signals.js';

/** Flags of `up` and `apply`. */
export interface DeployFlags extends ClusterFlags {
  sid?: string;
  /** The id for a new system, when the caller chose it already. */
  newSid?: string;
  namespacePerSystem?: boolean;
  username?: string;
  wait?: boolean;
  timeout: number;
  dryRun?: 'server' | 'none';
  forceConflicts?: boolean;
  keepPartial?: boolean;
  quiet?: boolean;
}

/** Adds the flags `up` and `apply` share. */
export function addDeployOptions(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <namespace>', 'namespace of a new system (default: the context\'s, else `default`)')
    .option('--namespace-per-system', 'give a new system its own namespace <project>-<sid>, deleted again by down')
    .option('--sid <id>', 'update this existing system (re-apply and prune) instead of creating one', parseSid)
    .option('--username <name>', 'username label, for systems launched on behalf of a user')
    .option('--wait', 'wait until Deployments and DaemonSets are ready and Jobs complete')
    .addOption(durationOption('--timeout <duration>', 'how long --wait waits', 300_000))
    .addOption(new Option('--dry-run <mode>', 'server: validate on the server, change nothing').choices(['server', 'none']))
    .option('--force-conflicts', 'take over fields that another field manager (kubectl, modify, scale) changed')
    .option('--keep-partial', 'when applying fails, keep what this attempt created')
    .option('-q, --quiet', 'print only the result and errors');
}

/** Deploys manifests, optionally waits for the rollout, and prints the result. */
export async function runDeploy(io: Io, kube: Kube, manifests: readonly Manifest[], app: string, flags: DeployFlags, version: string, reuse: boolean): Promise<ExitCode> {
  const [{ deploy }, { summarize }, { waitForRollout, workloads }] = await Promise.all([
    import('../executor/deploy.js'),
    import('../executor/summary.js'),
    import('../executor/wait.js'),
  ]);
  const dryRun = flags.dryRun === 'server';
  const say = (line: string) => !flags.quiet && io.stderr(`${line}\n`);
  // What this attempt created, and which system, for a second Ctrl-C that exits at once.
  const created: string[] = [];
  let sid = flags.sid ?? flags.newSid;
  const onEvent = (e: DeployEvent) => {
    if (e.type === 'started') sid = e.sid;
    else if (e.type === 'waiting') { if (!flags.quiet) waiting(io)(e); }
    else if (e.type === 'applied') {
      if (e.outcome === 'created') created.push(e.ref);
      say(`${e.ref} ${e.outcome}${dryRun ? ' (server dry run)' : ''}`);
    } else say(`${e.ref} ${{ pruned: 'pruned', released: 'released (its data is kept)', adopted: 'reused from an earlier system' }[e.type]}`);
  };
  const interrupt = new AbortController();
  const restore = onStopSignals((signal, count) => {
    if (count === 1) {
      io.stderr(`tychoc: ${signal}: stopping, and removing what this attempt created (${signal} again exits at once)\n`);
      interrupt.abort(signal);
      return;
    }
    const left = created.length > 0 ? `; left in place: ${created.join(', ')}${sid ? ` (tychoc down ${sid})` : ''}` : '';
    io.stderr(`tychoc: exiting at once${left}; the namespace lock expires in ${LEASE_SECONDS}s\n`);
    process.exit(STOP_SIGNALS[signal]);
  });
  try {
    const result = await deploy(kube, {
      app,
      manifests,
      sid: flags.sid,
      newSid: flags.newSid,
      reuse,
      namespace: flags.namespace ?? kube.defaultNamespace,
      namespacePerSystem: !!flags.namespacePerSystem,
      ...(flags.username ? { username: userLabel(flags.username), user: flags.username } : {}),
      tooling: `tychoc/${version}`,
      dryRun,
      force: !!flags.forceConflicts,
      keepPartial: !!flags.keepPartial,
      signal: interrupt.signal,
      onEvent,
    });
    const summary = summarize(result.system, result.applied);
    let rollouts: Rollout[] | undefined;
    if (flags.wait && !dryRun) {
      const started = Date.now();
      const show = progress(io, !!flags.quiet);
      try {
        rollouts = await waitForRollout(kube.client, workloads(result.applied.map((a) => a.target)), flags.timeout, show.update, interrupt.signal);
      } catch (e) {
        if (!(e instanceof ClusterError)) throw e;
        throw new ClusterError(e.kind, `${e.message}; the system stays as it is (tychoc status ${summary.sid}, tychoc down ${summary.sid})`, { cause: e });
      } finally {
        show.end();
      }
      say(`rolled out in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
    const verb = dryRun ? 'validated (server dry run, nothing changed)' : result.isNew ? 'created' : 'updated';
    if (flags.output === 'json') {
      const objects = result.applied.map((a) => ({ object: a.target.ref, outcome: a.outcome }));
      io.stdout(`${JSON.stringify({ ...summary, action: dryRun ? 'validated' : result.isNew ? 'created' : 'updated', dryRun, objects, pruned: result.pruned, ...(rollouts ? { ready: true } : {}) }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const rows = Object.entries(summary.services).map(([name, s]) => [
      name,
      s.kind,
      s.replicas === undefined ? '-' : String(s.replicas),
      s.ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',') || '-',
    ]);
    io.stdout(`system ${summary.name} ${verb} in namespace ${summary.namespace} (sid ${summary.sid})\n`);
    io.stdout(table([['SERVICE', 'KIND', 'REPLICAS', 'PORTS'], ...rows]));
    return ExitCode.ok;
  } finally {
    restore();
  }
}

/** On a terminal one status line that keeps being rewritten; otherwise a line whenever a workload changes. */
function progress(io: Io, quiet: boolean): { update: (states: readonly Rollout[]) => void; end: () => void } {
  if (quiet) return { update: () => undefined, end: () => undefined };
  if (process.stderr.isTTY) {
    return {
      update: (states) => {
        const pending = states.filter((s) => !s.done);
        const line = pending.length === 0 ? '' : `waiting: ${pending.map((s) => `${s.ref} ${s.detail}`).join(', ')}`;
        io.stderr(`\r\x1b[K${line.slice(0, (process.stderr.columns || 100) - 1)}`);
      },
      end: () => io.stderr('\r\x1b[K'),
    };
  }
  const seen = new Map<string, string>();
  return {
    update: (states) => {
      for (const s of states) {
        const line = `${s.ref}: ${s.detail}${s.done ? ', done' : ''}`;
        if (seen.get(s.ref) !== line) io.stderr(`${line}\n`);
        seen.set(s.ref, line);
      }
    },
    end: () => undefined,
  };
}
