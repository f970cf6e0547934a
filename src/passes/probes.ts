import type { Healthcheck, ProbeAction, Probes, Service } from '../model/system.js';
import { INT32_MAX } from '../emit/api-rules.js';
import { mapServices, type Pass } from './pass.js';

/** Docker's healthcheck defaults, used where the compose file leaves a timing out. */
const DEFAULTS = { interval: 30, timeout: 30, retries: 3 };

/**
 * Liveness and readiness checks from `healthcheck` (exec), or an HTTP/TCP check from
 * `x-tycho.probe`; `start_period` becomes a startup allowance.
 */
export function probesPass(): Pass {
  return {
    name: 'probes',
    run: (system) => mapServices(system, (svc) => {
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
  const action: ProbeAction | undefined = svc.settings.probe?.value ?? (hc?.command ? { type: 'exec', command: hc.command } : undefined);
  if (!action) return undefined;
  const periodSeconds = seconds(hc?.intervalSeconds, DEFAULTS.interval);
  const failureThreshold = Math.max(1, hc?.retries ?? DEFAULTS.retries);
  return {
    action,
    timing: { periodSeconds, timeoutSeconds: seconds(hc?.timeoutSeconds, DEFAULTS.timeout), failureThreshold },
    // Capped where Kubernetes' int32 ends: a start period of 68 years is as good as unlimited.
    ...(hc?.startPeriodSeconds ? { startupFailureThreshold: Math.min(INT32_MAX, Math.ceil(hc.startPeriodSeconds / periodSeconds) + failureThreshold) } : {}),
  };
}
