import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/executor/objects.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapLimit', () => {
  it('keeps the order of the items and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let i = 0; i < n; i++) await tick();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('after a failure starts nothing new, lets the calls in flight finish, then throws the first error', async () => {
    const finished: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5, 6], 3, async (n) => {
      if (n === 1) throw new Error('first');
      for (let i = 0; i < n; i++) await tick();
      if (n === 3) throw new Error('second');
      finished.push(n);
    });
    await expect(run).rejects.toThrow('first');
    // 2 and 3 were in flight with 1; nothing after the failure was started.
    expect(finished).toEqual([2]);
  });
});
