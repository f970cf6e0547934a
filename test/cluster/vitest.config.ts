import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** The real-cluster tests (harness, executor, and apps on the real node); `npm test` runs them after the unit tests, `npm run test:cluster` alone. */
export default defineProject({
  test: {
    name: 'cluster',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.test.ts', 'test/**/*.cluster.test.ts', 'test/real/**/*.test.ts'],
    sequence: { groupOrder: 1 },
    // Each file starts its own cluster; on a 2-core machine they must not overlap.
    fileParallelism: false,
    // Child processes (not worker threads), so the harness's exit hooks can kill the cluster.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
