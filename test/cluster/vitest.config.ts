import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Runs only the real-cluster tests: `npx vitest run --config test/cluster/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/cluster/**/*.test.ts'],
    // Each file starts its own cluster; on a 2-core machine they must not overlap.
    fileParallelism: false,
    // Child processes (not worker threads), so the harness's exit hooks can kill the cluster.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
