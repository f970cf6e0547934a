import { Option, type Command } from 'commander';
import type { Reaped } from '../executor/reap.js';
import type { ResolvedApp } from '../registry/index.js';
import { clusterCommand, durationOption, exitCodeFor, formatDuration, parseDuration, span, table, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { registryApps, withRegistryOptions, type RegistryFlags } from './registry-options.js';

interface ReapFlags extends ClusterFlags, RegistryFlags {
  maxAge?: number;
  idle?: number;
  dryRun?: boolean;
  timeout: number;
}

/** `tychoc reap`: take down the systems past their age or idle limit, as Tycho's pod reaper did. */
export function reapCommand(io: Io): Command {
  return withRegistryOptions(clusterCommand(io, 'reap'))
    .description('delete the systems older than their maximum age or idle longer than their idle limit (volume claims kept, as down does)')
    .addOption(new Option('--max-age <duration>', 'delete systems made longer ago than this (e.g. 8h, 2d); default: their app\'s maxAge in the registry').argParser(parseDuration))
    .addOption(new Option('--idle <duration>', 'delete systems not marked active (tychoc touch) for this long; default: their app\'s idle in the registry').argParser(parseDuration))
    .option('--dry-run', 'list what would be deleted, and delete nothing')
    .option('-n, --namespace <namespace>', 'only systems in this namespace (default: all namespaces you may list)')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for one system\'s objects to be gone', 120_000))
    .action(async (flags: ReapFlags) => {
      const given = { ...(flags.maxAge !== undefined ? { maxAgeMs: flags.maxAge } : {}), ...(flags.idle !== undefined ? { idleMs: flags.idle } : {}) };
      let apps: ReadonlyMap<string, ResolvedApp> | undefined;
      if (flags.registry ?? io.env['TYCHOC_REGISTRY']) {
        const found = await registryApps(io, flags);
        if (typeof found === 'number') return io.exit(found);
        apps = found.apps;
      }
      const { hasReapLimits, reapLimits } = await import('../registry/reap-limits.js');
      if (!hasReapLimits(given, apps)) {
        io.stderr(`tychoc: reap needs a limit: --max-age, --idle, or a registry whose apps have maxAge or idle${apps ? ' (none of its apps has either)' : ''}\n`);
        return io.exit(ExitCode.usage);
      }
      io.exit(await withCluster(io, flags, async (kube) => {
        const { reap } = await import('../executor/reap.js');
        const reaped = await reap(kube, { limitsOf: reapLimits(given, apps), namespace: flags.namespace, dryRun: !!flags.dryRun, timeoutMs: flags.timeout });
        if (flags.output === 'json') io.stdout(`${JSON.stringify(reaped.map(asJson), null, 2)}\n`);
        else io.stdout(reaped.length === 0 ? 'nothing to reap\n' : table([['SID', 'APP', 'NAMESPACE', 'USER', 'REASON', 'AGE', 'IDLE', 'LIMIT', 'RESULT'], ...reaped.map(row)]));
        const failed = reaped.flatMap((r) => (r.result === 'failed' ? [r] : []));
        for (const r of failed) io.stderr(`tychoc: system ${r.system.sid}: ${r.error.message}\n`);
        return failed[0] ? exitCodeFor(failed[0].error.kind) : ExitCode.ok;
      }));
    });
}

const RESULT_TEXT: Record<Reaped['result'], string> = { deleted: 'deleted', 'dry-run': 'would delete', gone: 'gone already', spared: 'active again, kept', failed: 'failed' };

function row(r: Reaped): string[] {
  const s = r.system;
  return [s.sid, s.app, s.namespace, s.username ?? '-', r.reason, span(r.ageMs), span(r.idleMs), formatDuration(r.limitMs), RESULT_TEXT[r.result]];
}

function asJson(r: Reaped): Record<string, unknown> {
  const s = r.system;
  return {
    sid: s.sid,
    app: s.app,
    namespace: s.namespace,
    ...(s.username !== undefined ? { username: s.username } : {}),
    reason: r.reason,
    created: r.created,
    lastActive: r.lastActive,
    ageSeconds: Math.floor(r.ageMs / 1000),
    idleSeconds: Math.floor(r.idleMs / 1000),
    limitSeconds: Math.floor(r.limitMs / 1000),
    result: r.result,
    ...(r.result === 'deleted' ? { deleted: r.down.deleted, keptClaims: r.down.keptClaims, namespaces: r.down.namespaces.deleted } : {}),
    ...(r.result === 'failed' ? { error: r.error.message } : {}),
  };
}
