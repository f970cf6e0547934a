import type { CronJobSpec, KeyValue, Setting } from '../../model/system.js';
import { Codes } from '../codes.js';
import { count, report, warn, type NormalizeContext } from './reader.js';

/** Kompose's CronJob labels (Kompose 1.37, pkg/loader/compose). */
export const CRONJOB_LABELS = ['kompose.cronjob.schedule', 'kompose.cronjob.concurrency_policy', 'kompose.cronjob.backoff_limit'] as const;

const POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** One field of standard cron: numbers, names (JAN, MON), `*`, `?`, ranges, lists and steps. */
const FIELD = /^[0-9A-Za-z*?]+(-[0-9A-Za-z]+)?(\/[0-9]+)?(,[0-9A-Za-z*?]+(-[0-9A-Za-z]+)?(\/[0-9]+)?)*$/;

/**
 * `kompose.cronjob.schedule` with its concurrency policy and backoff limit, read as Kompose reads
 * them: the policy's words are case-sensitive, the limit a whole number. Without a schedule the
 * other two have no effect (Kompose ignores them too), which is said.
 */
export function cronJobSetting(labels: ReadonlyMap<string, KeyValue>, ctx: NormalizeContext, name: string): Setting<CronJobSpec> | undefined {
  const schedule = labels.get('kompose.cronjob.schedule');
  const policy = labels.get('kompose.cronjob.concurrency_policy');
  const limit = labels.get('kompose.cronjob.backoff_limit');
  if (!schedule) {
    for (const l of [policy, limit]) {
      if (l) warn(ctx, Codes.ineffectiveSetting, `label \`${l.key}\` of service \`${name}\` has no effect without \`kompose.cronjob.schedule\``, l.pos);
    }
    return undefined;
  }
  const cron = schedule.value.trim();
  const validSchedule = isSchedule(cron);
  if (!validSchedule) {
    report(ctx, Codes.invalidValue, `\`kompose.cronjob.schedule\` must be a cron schedule such as "0 3 * * *" or @hourly, not ${JSON.stringify(schedule.value)}`, schedule.pos);
  }
  const concurrencyPolicy = policy && policy.value !== '' ? POLICIES.find((p) => p === policy.value) : undefined;
  const validPolicy = !policy || policy.value === '' || concurrencyPolicy !== undefined;
  if (!validPolicy) report(ctx, Codes.invalidValue, `\`kompose.cronjob.concurrency_policy\` must be one of ${POLICIES.join(', ')}, not ${JSON.stringify(policy!.value)}`, policy!.pos);
  const backoffLimit = limit && limit.value !== '' ? count({ kind: 'scalar', value: limit.value, pos: limit.pos }, '`kompose.cronjob.backoff_limit`', ctx) : undefined;
  const validLimit = !limit || limit.value === '' || backoffLimit !== undefined;
  if (!validSchedule || !validPolicy || !validLimit) return undefined;
  const value: CronJobSpec = {
    schedule: cron,
    ...(concurrencyPolicy ? { concurrencyPolicy } : {}),
    ...(backoffLimit !== undefined ? { backoffLimit } : {}),
  };
  return { value, pos: schedule.pos };
}

/** Five cron fields, or one of the macros Kubernetes accepts; time zones go in `timeZone`, not here. */
function isSchedule(cron: string): boolean {
  if (MACROS.has(cron)) return true;
  const fields = cron.split(/\s+/);
  return fields.length === 5 && fields.every((f) => FIELD.test(f));
}
