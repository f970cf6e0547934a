import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { locateBinaries } from './binaries.js';
import { START_TIMEOUT_MS, startControlPlane, waitForWorkloads } from './control-plane.js';
import { corednsObjects } from './coredns.js';
import { processGroup, type Cluster } from './harness.js';
import { isAlive } from './host-processes.js';
import type { KubeHttp } from './http.js';
import { nodeIsReady } from './kwok.js';
import { NODE_NAME, startContainerd, startNodeAgents, type NodeOptions } from './node-agents.js';
import { CLEAN_SCRIPT, cleanHost, CNI_BIN, NODE_IP, prepareHost } from './node-host.js';
import { locateImages } from './node-images.js';
import { onOrphaned, waitFor } from './processes.js';
import { defaultStorageClass, FakeProvisioner } from './provisioner.js';

export { NODE_NAME };

/**
 * A cluster with one real node on this machine: containerd, runc and the CNI bridge run the pods,
 * the kubelet runs their probes, kube-proxy routes Services and CoreDNS answers names. The node
 * uses host-wide things (a bridge, iptables, the kubelet's ports and directories), so there is one
 * per machine: a second start fails while the first runs.
 */
export interface RealNode extends Cluster {
  readonly nodeName: string;
  /** Where the processes' logs stay after stop (until the next start). */
  readonly logs: string;
  /** Images the node has, by reference (docker.io/library/nginx:1.27, tychoc.test/client:1, …). */
  readonly images: readonly string[];
}

/** Commands the node needs besides the built binaries, with the Debian package that has each. */
const HOST_COMMANDS: Record<string, string> = {
  containerd: 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  ip: 'iproute2',
  conntrack: 'conntrack',
  [`${CNI_BIN}/bridge`]: 'containernetworking-plugins',
};

/** The node's directory: containerd's image store persists there; `run/` is made anew each start. */
export function nodeDir(): string {
  return join(process.env.TYCHOC_CACHE ?? join(homedir(), '.cache', 'tychoc'), 'real-node');
}

/** Why a real node cannot start on this machine, or undefined when it can. */
export async function realNodeUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `a real node needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'a real node needs root (containerd, iptables and mounts)';
  const missing = Object.entries(HOST_COMMANDS).filter(([cmd]) => !(cmd.startsWith('/') ? existsSync(cmd) : onPath(cmd)));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    return `a real node needs ${missing.map(([cmd]) => cmd).join(', ')} (apt-get install ${packages})`;
  }
  try {
    await locateBinaries();
    await locateImages();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, cmd)));
}

/** Starts the control plane and the real node, with CoreDNS serving; fails with the reason and the logs' place. */
export async function startRealNode(options: NodeOptions = {}): Promise<RealNode> {
  const unavailable = await realNodeUnavailable();
  if (unavailable) throw new Error(`cannot start a real node: ${unavailable}`);
  const base = nodeDir();
  const dir = join(base, 'run');
  const logs = join(base, 'logs');
  claimMachine(base);
  const group = processGroup(logs);
  let provisioner: FakeProvisioner | undefined;
  const stop = async (): Promise<void> => {
    await provisioner?.stop();
    await group.stopAll();
    await cleanHost(base);
    rmSync(join(base, 'owner'), { force: true });
  };

  try {
    await cleanHost(base);
    rmSync(logs, { recursive: true, force: true });
    for (const d of [dir, logs]) mkdirSync(d, { recursive: true });
    onOrphaned(CLEAN_SCRIPT, { TYCHOC_NODE_DIR: base }, join(base, 'owner'));
    await prepareHost(base, dir);
    const bin = await locateBinaries();
    const images = await startContainerd(base, dir, group.start);
    const plane = await startControlPlane(dir, bin, group.start, { address: NODE_IP, controllers: true });
    startNodeAgents(dir, bin, plane.kubeconfig, plane.certs.caCert, group.start, options);
    await plane.api.create('/apis/storage.k8s.io/v1/storageclasses', defaultStorageClass());
    provisioner = new FakeProvisioner(plane.api, join(dir, 'volumes'), NODE_NAME);
    provisioner.start();
    await waitFor('the node to be Ready', START_TIMEOUT_MS, async () => {
      const res = await plane.api.request('GET', `/api/v1/nodes/${NODE_NAME}`);
      return res.status === 200 && nodeIsReady(res.body) ? true : undefined;
    });
    await waitForWorkloads(plane);
    await startCoreDns(plane.api);
    return { kubeconfig: plane.kubeconfig, server: plane.server, token: plane.token, caFile: plane.certs.caCert, dir, stop, nodeName: NODE_NAME, logs, images };
  } catch (err) {
    await stop();
    throw new Error(`startRealNode failed (logs in ${logs}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** One real node per machine: the owner file names the process that runs it. */
function claimMachine(base: string): void {
  mkdirSync(base, { recursive: true });
  const owner = join(base, 'owner');
  if (existsSync(owner)) {
    const pid = Number(readFileSync(owner, 'utf8'));
    if (pid !== process.pid && isAlive(pid)) throw new Error(`a real node is already running on this machine (process ${pid}); stop it first`);
  }
  writeFileSync(owner, String(process.pid));
}

async function startCoreDns(api: KubeHttp): Promise<void> {
  for (const { path, object } of corednsObjects()) await api.create(path, object);
  await waitFor('CoreDNS to be available', START_TIMEOUT_MS, async () => {
    const deployment = await api.get('/apis/apps/v1/namespaces/kube-system/deployments/coredns');
    return (deployment.status?.availableReplicas ?? 0) >= 1 ? true : undefined;
  });
}
