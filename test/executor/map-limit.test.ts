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

  it('after a failure starts nothing new, lets the calls in flight finish, then throws the first error in order', async () => {
    const finished: number[] = [];
    const run = mapLimit([1, 2, 3, 4, 5, 6], 3, async (n) => {
      for (let i = 0; i < 4 - n; i++) await tick();
      if (n !== 2) throw new Error(`failed ${n}`);
      finished.push(n);
    });
    // 3 fails first in time, 2 is still in flight and finishes; 1 fails last but comes first.
    await expect(run).rejects.toThrow('failed 1');
    expect(finished).toEqual([2]);
  });
});
