import { defineConfig } from 'vitest/config';

// One run, two projects: the unit tests first, then the tests against a real cluster, which
// start one cluster per file and must not overlap each other (or the unit tests) on a small CI machine.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // The cluster tests stop their clusters in afterAll hooks.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/cluster/**', 'test/real/**', 'test/**/*.cluster.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      './test/cluster/vitest.config.ts',
    ],
  },
});
