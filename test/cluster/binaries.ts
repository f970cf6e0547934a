import { execFile } from 'node:child_process';
import { packagePath } from '../../src/package-path.js';
import { promisify } from 'node:util';

/** Absolute paths of the cluster binaries built by scripts/cluster-binaries.sh. */
export interface ClusterBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kwok: string;
  readonly kubelet: string;
  readonly kubeProxy: string;
  readonly coredns: string;
}

/** The script that builds the binaries; it is also the single source of their pinned versions and cache paths. */
export const BINARIES_SCRIPT = packagePath('scripts', 'cluster-binaries.sh');

/** Finds the cached binaries without building anything; throws naming the build command if any is missing. */
export async function locateBinaries(): Promise<ClusterBinaries> {
  let stdout: string;
  let missing = false;
  try {
    ({ stdout } = await promisify(execFile)('bash', [BINARIES_SCRIPT, '--paths']));
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; message: string };
    if (e.code !== 1 || typeof e.stdout !== 'string') throw new Error(`${BINARIES_SCRIPT} --paths failed: ${e.message}`);
    stdout = e.stdout;
    missing = true; // exit 1: paths printed, but some binary is not built yet
  }
  const paths = new Map(stdout.trim().split('\n').map((line) => line.split('\t') as [string, string]));
  if (missing) {
    throw new Error(
      `cluster test binaries are missing; build them first (about 12 min on 2 cores the first time) with:\n  ${BINARIES_SCRIPT}\n` +
        `expected:\n${stdout}`,
    );
  }
  const get = (name: string): string => {
    const path = paths.get(name);
    if (path === undefined) throw new Error(`${BINARIES_SCRIPT} --paths did not list ${name}`);
    return path;
  };
  return {
    etcd: get('etcd'),
    kubeApiserver: get('kube-apiserver'),
    kubeControllerManager: get('kube-controller-manager'),
    kubeScheduler: get('kube-scheduler'),
    kubectl: get('kubectl'),
    kwok: get('kwok'),
    kubelet: get('kubelet'),
    kubeProxy: get('kube-proxy'),
    coredns: get('coredns'),
  };
}
