import type { CheckLabels, Healthcheck, Probe, ProbeAction, Probes, ProbeTiming, Service } from '../model/system.js';
import { INT32_MAX } from '../emit/api-rules.js';
import { Codes } from '../frontend/codes.js';
import { mapServices, type Pass } from './pass.js';

/** Docker's healthcheck defaults, used where the compose file leaves a timing out. */
const DEFAULTS = { interval: 30, timeout: 30, retries: 3 };

/**
 * Liveness and readiness checks from `healthcheck` (exec), or an HTTP/TCP check from
 * `x-tycho.probe` or Kompose's liveness labels; readiness the same check unless Kompose's
 * readiness labels give it its own action or timings, or disable it. `start_period` becomes a
 * startup allowance.
 */
export function probesPass(): Pass {
  return {
    name: 'probes',
    run: (system, ctx) => mapServices(system, (svc) => {
      const checks = svc.settings.checks;
      if (svc.settings.probe && checks?.value.liveness) {
        ctx.warn(Codes.overriddenLabel, `the liveness labels of service \`${svc.name}\` are overridden by \`x-tycho.probe\``, checks.pos);
      }
      const probes = probesFor(svc);
      return probes ? { ...svc, container: { ...svc.container, probes } } : svc;
    }),
  };
}

function seconds(value: number | undefined, fallback: number): number {
  return Math.max(1, Math.ceil(value ?? fallback));
}

function probesFor(svc: Service): Probes | undefined {
  const hc: Healthcheck | undefined = svc.container.healthcheck;
  const checks = svc.settings.checks?.value;
  const action: ProbeAction | undefined = svc.settings.probe?.value ?? checks?.liveness ?? (hc?.command ? { type: 'exec', command: hc.command } : undefined);
  const timing = {
    periodSeconds: seconds(hc?.intervalSeconds, DEFAULTS.interval),
    timeoutSeconds: seconds(hc?.timeoutSeconds, DEFAULTS.timeout),
    failureThreshold: Math.max(1, hc?.retries ?? DEFAULTS.retries),
  };
  const liveness: Probe | undefined = action ? { action, timing } : undefined;
  const readiness = readinessOf(checks?.readiness, liveness, timing);
  if (!liveness && !readiness) return undefined;
  return {
    ...(liveness ? { liveness } : {}),
    ...(readiness ? { readiness } : {}),
    // Capped where Kubernetes' int32 ends: a start period of 68 years is as good as unlimited.
    ...(liveness && hc?.startPeriodSeconds ? { startupFailureThreshold: Math.min(INT32_MAX, Math.ceil(hc.startPeriodSeconds / timing.periodSeconds) + timing.failureThreshold) } : {}),
  };
}

/** Readiness: liveness's check unless the labels disable it or give their own action or timings (Kompose's start period delays it). */
function readinessOf(labels: CheckLabels['readiness'], liveness: Probe | undefined, timing: ProbeTiming): Probe | undefined {
  if (labels?.disabled) return undefined;
  const action = labels?.action ?? liveness?.action;
  if (!action) return undefined;
  if (!labels) return { action, timing };
  return {
    action,
    timing: {
      periodSeconds: labels.intervalSeconds !== undefined ? seconds(labels.intervalSeconds, 0) : timing.periodSeconds,
      timeoutSeconds: labels.timeoutSeconds !== undefined ? seconds(labels.timeoutSeconds, 0) : timing.timeoutSeconds,
      failureThreshold: labels.retries !== undefined ? Math.max(1, labels.retries) : timing.failureThreshold,
      ...(labels.startPeriodSeconds ? { initialDelaySeconds: Math.ceil(labels.startPeriodSeconds) } : {}),
    },
  };
}
