import { spawnSync } from 'node:child_process';
import { locateBinaries, BINARIES_SCRIPT } from '../test/cluster/binaries.js';
import { startCluster, type Cluster } from '../test/cluster/harness.js';
import type { Skipped } from './tools.js';

/** The cluster binaries, built by scripts/cluster-binaries.sh on first use. */
async function binaries(progress: (s: string) => void): Promise<{ kubectl: string } | Skipped> {
  try {
    return await locateBinaries();
  } catch {
    progress('building the cluster binaries (about 12 minutes the first time)');
    const built = spawnSync('bash', [BINARIES_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) return { skipped: `${BINARIES_SCRIPT} failed (exit ${built.status})` };
    return locateBinaries();
  }
}

/**
 * Runs `fn` on a fresh harness cluster (etcd, kube-apiserver, controllers, scheduler and `nodes`
 * kwok nodes), stopped afterwards; skipped, with the reason, when the cluster cannot be had.
 * What `fn` throws is thrown: a part that fails on a running cluster must fail the bench.
 */
export async function onHarnessCluster<T>(
  part: string,
  nodes: number,
  progress: (s: string) => void,
  fn: (cluster: Cluster, kubectl: string) => Promise<T>,
): Promise<T | Skipped> {
  const bin = await binaries(progress);
  if ('skipped' in bin) return bin;
  progress(`${part}: starting a cluster`);
  let cluster: Cluster;
  try {
    cluster = await startCluster({ nodes });
  } catch (e) {
    return { skipped: `the harness cluster did not start: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    return await fn(cluster, bin.kubectl);
  } finally {
    await cluster.stop();
  }
}
