import { describe, expect, it } from 'vitest';
import type { SystemRef } from '../../src/executor/systems.js';
import { hasReapLimits, reapLimits } from '../../src/registry/reap-limits.js';
import type { ResolvedApp } from '../../src/registry/types.js';

const app = (id: string, limits: { maxAgeMs?: number; idleMs?: number }) => [id, { id, ...limits } as ResolvedApp] as const;
const APPS = new Map([app('notebook', { maxAgeMs: 8, idleMs: 1 }), app('shop', { idleMs: 2 }), app('plain', {})]);
const of = (appName: string): SystemRef => ({ app: appName, sid: 'abc', namespace: 'apps' });

describe('reaping limits per system', () => {
  it('takes its app\'s limits, found by the app-name label', () => {
    const limits = reapLimits({}, APPS);
    expect(limits(of('notebook'))).toEqual({ maxAgeMs: 8, idleMs: 1 });
    expect(limits(of('shop'))).toEqual({ idleMs: 2 });
    expect(limits(of('plain'))).toEqual({});
    expect(limits(of('elsewhere'))).toEqual({});
  });

  it('puts the limits given over the apps\', one by one, for every system', () => {
    const limits = reapLimits({ maxAgeMs: 100 }, APPS);
    expect(limits(of('notebook'))).toEqual({ maxAgeMs: 100, idleMs: 1 });
    expect(limits(of('elsewhere'))).toEqual({ maxAgeMs: 100 });
    expect(reapLimits({ idleMs: 5 })(of('notebook'))).toEqual({ idleMs: 5 });
  });

  it('knows when nothing could ever be reaped', () => {
    expect(hasReapLimits({})).toBe(false);
    expect(hasReapLimits({}, new Map([app('plain', {})]))).toBe(false);
    expect(hasReapLimits({}, APPS)).toBe(true);
    expect(hasReapLimits({ idleMs: 0 })).toBe(true);
  });
});
