import { TOOLING_ANNOTATION } from './applyset.js';
import type { SystemRef } from './systems.js';

/**
 * Annotation on a system's ApplySet parent: when it was last in use, RFC 3339. A platform's proxy
 * sets it (`tychoc touch`, `POST /systems/{sid}/touch`) while users are active; absent, a system
 * has been idle since it was made.
 */
export const LAST_ACTIVE_ANNOTATION = 'tychoc.io/last-active';

/** How long a system may live, and how long it may stay idle; absent: no such limit. */
export interface ReapLimits {
  readonly maxAgeMs?: number;
  readonly idleMs?: number;
}

/** A system past one of its limits. */
export interface Expired {
  readonly system: SystemRef;
  /** The limit it is past; `age` when past both. */
  readonly reason: 'age' | 'idle';
  /** When it was made and when it was last in use (its creation when never marked). */
  readonly created: string;
  readonly lastActive: string;
  readonly ageMs: number;
  readonly idleMs: number;
  /** The limit it is past. */
  readonly limitMs: number;
}

/**
 * The systems past their limits, ordered by namespace and id. Only systems tychoc made are
 * considered: a parent another tool wrote (whatever its labels) is never reaped, nor one whose
 * creation time is unknown.
 */
export function expiredSystems(systems: readonly SystemRef[], limitsOf: (system: SystemRef) => ReapLimits, now: number): Expired[] {
  const expired = systems.flatMap((s) => expiry(s, limitsOf(s), now) ?? []);
  return expired.sort((a, b) => a.system.namespace.localeCompare(b.system.namespace) || a.system.sid.localeCompare(b.system.sid));
}

/** Whether one system is past its limits at `now`, and which. */
export function expiry(system: SystemRef, limits: ReapLimits, now: number): Expired | undefined {
  const meta = system.parent?.metadata;
  if (!meta?.annotations?.[TOOLING_ANNOTATION]?.startsWith('tychoc/')) return undefined;
  const created = Date.parse(meta.creationTimestamp ?? '');
  if (Number.isNaN(created)) return undefined;
  const marked = Date.parse(meta.annotations[LAST_ACTIVE_ANNOTATION] ?? '');
  // A mark that does not parse says nothing.
  const lastActive = Number.isNaN(marked) ? created : marked;
  const ageMs = Math.max(0, now - created);
  const idleMs = Math.max(0, now - lastActive);
  const times = { system, created: new Date(created).toISOString(), lastActive: new Date(lastActive).toISOString(), ageMs, idleMs };
  if (limits.maxAgeMs !== undefined && ageMs > limits.maxAgeMs) return { ...times, reason: 'age', limitMs: limits.maxAgeMs };
  if (limits.idleMs !== undefined && idleMs > limits.idleMs) return { ...times, reason: 'idle', limitMs: limits.idleMs };
  return undefined;
}
