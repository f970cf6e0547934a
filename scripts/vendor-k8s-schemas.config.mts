import { defineConfig } from 'vitest/config';

// Runs scripts/vendor-k8s-schemas.ts alone: it needs the test cluster, so it is written as a vitest file.
export default defineConfig({ test: { include: ['scripts/vendor-k8s-schemas.ts'], pool: 'forks', testTimeout: 300_000 } });
