import { appLabel } from '../emit/system-labels.js';
import type { ReapLimits } from '../executor/expiry.js';
import type { SystemRef } from '../executor/systems.js';
import type { ResolvedApp } from './types.js';

/**
 * Each system's reaping limits: those given (flags) for every system, else its app's `maxAge` and
 * `idle`, the app found by the system's `app-name` label. A system of no app in the registry has
 * only the limits given.
 */
export function reapLimits(given: ReapLimits, apps: ReadonlyMap<string, ResolvedApp> = new Map()): (system: SystemRef) => ReapLimits {
  const byLabel = new Map([...apps.values()].map((a) => [appLabel(a.id), a]));
  return (system) => {
    const app = byLabel.get(system.app);
    const maxAgeMs = given.maxAgeMs ?? app?.maxAgeMs;
    const idleMs = given.idleMs ?? app?.idleMs;
    return { ...(maxAgeMs !== undefined ? { maxAgeMs } : {}), ...(idleMs !== undefined ? { idleMs } : {}) };
  };
}

/** Whether any system could be reaped at all: a limit given, or an app with one. */
export function hasReapLimits(given: ReapLimits, apps: ReadonlyMap<string, ResolvedApp> = new Map()): boolean {
  const all = [given, ...[...apps.values()].map((a) => ({ maxAgeMs: a.maxAgeMs, idleMs: a.idleMs }))];
  return all.some((l) => l.maxAgeMs !== undefined || l.idleMs !== undefined);
}
