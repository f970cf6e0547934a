import { describe, expect, it } from 'vitest';
import { expiredSystems, expiry, LAST_ACTIVE_ANNOTATION } from '../../src/executor/expiry.js';
import type { SystemRef } from '../../src/executor/systems.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3_600_000;

/** A system whose parent was made `ageH` hours before NOW, last marked active `idleH` hours before (absent: never). */
function system(sid: string, ageH: number, opts: { idleH?: number; app?: string; namespace?: string; tooling?: string; mark?: string } = {}): SystemRef {
  const at = (h: number) => new Date(NOW - h * HOUR).toISOString();
  const annotations: Record<string, string> = { 'applyset.kubernetes.io/tooling': opts.tooling ?? 'tychoc/0.1.0' };
  if (opts.idleH !== undefined) annotations[LAST_ACTIVE_ANNOTATION] = at(opts.idleH);
  if (opts.mark !== undefined) annotations[LAST_ACTIVE_ANNOTATION] = opts.mark;
  return {
    app: opts.app ?? 'shop',
    sid,
    namespace: opts.namespace ?? 'apps',
    parent: { metadata: { name: `applyset-shop-${sid}`, uid: sid, creationTimestamp: at(ageH), annotations } },
  };
}

describe('which systems are past their limits', () => {
  it('a system older than the maximum age, whatever its activity', () => {
    expect(expiry(system('a', 9, { idleH: 0 }), { maxAgeMs: 8 * HOUR }, NOW)).toMatchObject({ reason: 'age', ageMs: 9 * HOUR, idleMs: 0, limitMs: 8 * HOUR });
    expect(expiry(system('a', 7), { maxAgeMs: 8 * HOUR }, NOW)).toBeUndefined();
    // Exactly at the limit is not past it.
    expect(expiry(system('a', 8), { maxAgeMs: 8 * HOUR }, NOW)).toBeUndefined();
  });

  it('a system idle longer than the limit, counted from its last mark', () => {
    expect(expiry(system('a', 5, { idleH: 2 }), { idleMs: HOUR }, NOW)).toMatchObject({ reason: 'idle', idleMs: 2 * HOUR, lastActive: '2025-06-01T10:00:00.000Z', created: '2025-06-01T07:00:00.000Z' });
    expect(expiry(system('a', 5, { idleH: 0.5 }), { idleMs: HOUR }, NOW)).toBeUndefined();
  });

  it('a system never marked has been idle since it was made', () => {
    expect(expiry(system('a', 2), { idleMs: HOUR }, NOW)).toMatchObject({ reason: 'idle', idleMs: 2 * HOUR, lastActive: '2025-06-01T10:00:00.000Z' });
    expect(expiry(system('a', 0.5), { idleMs: HOUR }, NOW)).toBeUndefined();
  });

  it('a mark that does not parse counts as none; one in the future as active now', () => {
    expect(expiry(system('a', 2, { mark: 'yesterday' }), { idleMs: HOUR }, NOW)).toMatchObject({ reason: 'idle', idleMs: 2 * HOUR });
    expect(expiry(system('a', 2, { idleH: -1 }), { idleMs: HOUR }, NOW)).toBeUndefined();
  });

  it('names age when a system is past both limits', () => {
    expect(expiry(system('a', 10, { idleH: 3 }), { maxAgeMs: 8 * HOUR, idleMs: HOUR }, NOW)).toMatchObject({ reason: 'age', limitMs: 8 * HOUR });
  });

  it('no limit, no reaping', () => {
    expect(expiry(system('a', 1000), {}, NOW)).toBeUndefined();
  });

  it('never chooses a system another tool made, nor one it cannot date', () => {
    expect(expiry(system('a', 10, { tooling: 'kubectl/v1.31' }), { maxAgeMs: HOUR }, NOW)).toBeUndefined();
    const undated = system('b', 10);
    expect(expiry({ ...undated, parent: { metadata: { ...undated.parent!.metadata, creationTimestamp: undefined } } }, { maxAgeMs: HOUR }, NOW)).toBeUndefined();
    const { parent: _, ...orphan } = system('c', 10);
    expect(expiry(orphan, { maxAgeMs: HOUR }, NOW)).toBeUndefined();
  });

  it('applies each system\'s own limits, and orders the expired by namespace and id', () => {
    const systems = [system('d', 3, { app: 'notebook', namespace: 'b' }), system('c', 3, { app: 'notebook', namespace: 'a' }), system('b', 3, { app: 'shop' }), system('a', 1, { app: 'notebook', namespace: 'a' })];
    const limits = (s: SystemRef) => (s.app === 'notebook' ? { maxAgeMs: 2 * HOUR } : { maxAgeMs: 4 * HOUR });
    expect(expiredSystems(systems, limits, NOW).map((e) => `${e.system.namespace}/${e.system.sid}`)).toEqual(['a/c', 'b/d']);
  });
});
