import { Codes } from '../frontend/codes.js';
import type { Service } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/**
 * `kompose.cronjob.*`: a service that runs to completion runs on its schedule as a CronJob.
 * A service that restarts stays long-running, as under Kompose, unless a concurrency policy
 * says it is a cron job after all (Kompose then runs `restart: always` as `on-failure`).
 * Shards (`x-tycho.shards`) are long-running and win over the labels.
 */
export function schedulesPass(): Pass {
  return {
    name: 'schedules',
    run: (system, ctx) => mapServices(system, (svc) => schedule(svc, ctx)),
  };
}

function schedule(svc: Service, ctx: PassContext): Service {
  const setting = svc.settings.cronJob;
  if (!setting) return svc;
  const { schedule: cron, concurrencyPolicy, backoffLimit } = setting.value;
  if (svc.sharding) {
    ctx.warn(Codes.conflictingSettings, `service \`${svc.name}\` has shards (\`x-tycho.shards\`), which are long-running; \`kompose.cronjob.schedule\` is ignored`, setting.pos);
    return svc;
  }
  const scheduled = { cron, ...(concurrencyPolicy ? { concurrencyPolicy } : {}), ...(backoffLimit !== undefined ? { backoffLimit } : {}) };
  const w = svc.workload;
  if (w.type === 'job') return { ...svc, workload: { ...w, schedule: scheduled } };
  if (concurrencyPolicy && !svc.settings.controller) {
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` restarts, but a CronJob's runs end: it restarts on failure only, as under Kompose`, setting.pos);
    return { ...svc, workload: { type: 'job', restart: 'on-failure', schedule: scheduled } };
  }
  const why = svc.settings.controller ? `its controller is a ${svc.settings.controller.value}` : 'it restarts (`restart` is unset, `always` or `unless-stopped`)';
  ctx.warn(Codes.ineffectiveSetting, `\`kompose.cronjob.schedule\` of service \`${svc.name}\` has no effect, as under Kompose: ${why}; a service runs on a schedule with \`restart: "no"\` or \`on-failure\``, setting.pos);
  return svc;
}
