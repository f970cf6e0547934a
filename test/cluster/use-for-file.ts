import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Cluster } from './harness.js';

/**
 * Starts a cluster before a file's tests and stops it after them, and returns a getter for it. If
 * it cannot start, every test fails with the reason (a failing beforeAll would only mark them
 * skipped).
 */
export function useClusterForFile<C extends Cluster>(what: string, start: () => Promise<C>, startTimeoutMs: number): () => C {
  let cluster: C | undefined;
  let failure: unknown;
  beforeAll(async () => {
    const started = Date.now();
    try {
      cluster = await start();
    } catch (e) {
      failure = e;
      return;
    }
    console.log(`${what} took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }, startTimeoutMs);
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);
  return () => cluster!;
}
