import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateBinaries } from './binaries.js';
import { START_TIMEOUT_MS, startControlPlane, waitForWorkloads, type StartProcess } from './control-plane.js';
import { fakeNode, kwokArgs, nodeIsReady, type NodeSize } from './kwok.js';
import { removeOnExit, startProcess, waitFor, type ManagedProcess } from './processes.js';
import { defaultStorageClass, FakeProvisioner } from './provisioner.js';

/** A running throwaway cluster: real etcd, kube-apiserver, controllers and scheduler, with kwok-simulated nodes. */
export interface Cluster {
  /** Path to a kubeconfig file (in `dir`) with admin credentials. */
  readonly kubeconfig: string;
  /** API server URL, https://ADDRESS:PORT. */
  readonly server: string;
  /** Bearer token of a member of system:masters. */
  readonly token: string;
  /** CA certificate that signed the API server's serving certificate. */
  readonly caFile: string;
  /** Dir with certificates, data and one log file per process. */
  readonly dir: string;
  /** Kills every process of the cluster and removes `dir` (kept when TYCHOC_KEEP_CLUSTER=1). */
  stop(): Promise<void>;
}

/** What to start besides etcd and kube-apiserver. */
export interface ClusterOptions {
  /** Number of simulated nodes; default 2. */
  nodes?: number;
  /** Sizes of the first nodes, by index (kwok-node-0 first), where they differ from NODE_RESOURCES. */
  nodeSizes?: readonly NodeSize[];
  /** Start kube-controller-manager, kube-scheduler, kwok and the fake volume provisioner; default true. */
  controllers?: boolean;
}

/** The processes of a cluster, stopped in reverse start order (clients first, etcd last). */
export function processGroup(dir: string): { start: StartProcess; stopAll(): Promise<void> } {
  const processes: ManagedProcess[] = [];
  return {
    start(name, command, args) {
      const p = startProcess(name, command, args, join(dir, `${name}.log`));
      processes.push(p);
      return p;
    },
    async stopAll() {
      for (const p of processes.splice(0).reverse()) await p.stop();
    },
  };
}

/** Starts a cluster in a fresh temp dir; binaries must have been built by scripts/cluster-binaries.sh. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const nodes = opts.nodes ?? 2;
  const controllers = opts.controllers ?? true;
  const bin = await locateBinaries();
  const keep = process.env.TYCHOC_KEEP_CLUSTER === '1';
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-cluster-'));
  const cancelRemoval = keep ? () => {} : removeOnExit(dir);
  const group = processGroup(dir);
  let provisioner: FakeProvisioner | undefined;

  const stop = async (): Promise<void> => {
    await provisioner?.stop();
    await group.stopAll();
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
      cancelRemoval();
    }
  };

  try {
    const plane = await startControlPlane(dir, bin, group.start, { controllers });
    if (controllers) {
      group.start('kwok', bin.kwok, kwokArgs(plane.kubeconfig, join(dir, 'kwok.yaml')));
      await plane.api.create('/apis/storage.k8s.io/v1/storageclasses', defaultStorageClass());
      provisioner = new FakeProvisioner(plane.api, '/tmp/tychoc-fake-volumes');
      provisioner.start();

      const names = Array.from({ length: nodes }, (_, i) => `kwok-node-${i}`);
      for (const [i, name] of names.entries()) await plane.api.create('/api/v1/nodes', fakeNode(name, plane.version, opts.nodeSizes?.[i]));
      await waitFor(`${nodes} Ready nodes`, START_TIMEOUT_MS, async () => {
        const list = await plane.api.get('/api/v1/nodes');
        const ready = (list.items ?? []).filter((n: any) => names.includes(n.metadata.name) && nodeIsReady(n));
        return ready.length === names.length ? true : undefined;
      }, plane.controllerManager);
      await waitForWorkloads(plane);
    }
    return { kubeconfig: plane.kubeconfig, server: plane.server, token: plane.token, caFile: plane.certs.caCert, dir, stop };
  } catch (err) {
    await stop();
    const where = keep ? ` (logs kept in ${dir})` : '';
    throw new Error(`startCluster failed${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
