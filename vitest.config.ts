import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/cluster/**'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
