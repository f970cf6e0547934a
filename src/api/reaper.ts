import type { FastifyInstance } from 'fastify';
import type { ReapLimits } from '../executor/expiry.js';
import { reap } from '../executor/reap.js';
import type { Kube } from '../executor/systems.js';
import { reapLimits } from '../registry/reap-limits.js';
import { registryApps, type AppsContext } from './app-routes.js';

/** A server's background reaping (`tychoc serve --reap-every`). */
export interface ReapSchedule {
  readonly everyMs: number;
  /** Limits for every system (`--reap-max-age`, `--reap-idle`), over the registry apps' own. */
  readonly limits: ReapLimits;
  /** Where the apps' `maxAge` and `idle` are: the server's registry, read again each round. */
  readonly registry?: AppsContext;
  /** How long taking one system down may take. */
  readonly timeoutMs: number;
}

/**
 * Reaps every `everyMs` while the server runs, one round at a time, each deletion and failure
 * logged. Closing the server stops the timer, lets the round in progress finish the systems it
 * has begun, and waits for it, so that no takedown is cut off halfway.
 */
export function scheduleReaping(app: FastifyInstance, kube: Kube, schedule: ReapSchedule): void {
  const stop = new AbortController();
  let round: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => void (round ??= reapRound(app, kube, schedule, stop.signal).finally(() => (round = undefined))), schedule.everyMs);
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    stop.abort();
    await round;
  });
}

async function reapRound(app: FastifyInstance, kube: Kube, schedule: ReapSchedule, signal: AbortSignal): Promise<void> {
  const log = app.log.child({ reaper: true });
  try {
    const apps = schedule.registry ? (await registryApps(schedule.registry)).apps : undefined;
    const reaped = await reap(kube, { limitsOf: reapLimits(schedule.limits, apps), dryRun: false, timeoutMs: schedule.timeoutMs, signal });
    for (const r of reaped) {
      const fields = { sid: r.system.sid, app: r.system.app, namespace: r.system.namespace, username: r.system.username, reason: r.reason, ageSeconds: Math.floor(r.ageMs / 1000), idleSeconds: Math.floor(r.idleMs / 1000) };
      if (r.result === 'failed') log.error({ ...fields, err: r.error.message }, 'reaping failed');
      else if (r.result === 'deleted') log.info({ ...fields, deleted: r.down.deleted.length }, 'reaped');
    }
  } catch (e) {
    // The next round tries again; a server that cannot reap still serves.
    log.error({ err: (e as Error).message }, 'reaping round failed');
  }
}
