import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterBinaries } from './binaries.js';
import { START_TIMEOUT_MS, type StartProcess } from './control-plane.js';
import { CLUSTER_DNS } from './coredns.js';
import { CNI_BIN, NODE_IP, POD_CIDR } from './node-host.js';
import { importImages, type Ctr } from './node-images.js';
import { waitFor } from './processes.js';

const run = promisify(execFile);

export const NODE_NAME = 'tychoc-node';

/**
 * Starts containerd, whose image store persists in the node's directory, and imports the test
 * images it lacks. Containers a killed run left in the store are removed first, with containerd
 * restarted so that its CRI plugin does not recover them.
 */
export async function startContainerd(base: string, dir: string, start: StartProcess): Promise<string[]> {
  const state = join(dir, 'containerd');
  const socket = join(state, 'containerd.sock');
  const config = join(dir, 'containerd.toml');
  writeFileSync(config, containerdConfig(join(base, 'containerd'), state, socket, join(dir, 'cni')));
  const ctr = nodeCtr(dir);
  const launch = async () => {
    const containerd = start('containerd', 'containerd', ['--config', config]);
    await waitFor('containerd', START_TIMEOUT_MS, async () => ((await ctr('version')) ? true : undefined), containerd);
    return containerd;
  };
  let containerd = await launch();
  const leftovers = (await ctr('containers', 'list', '--quiet')).stdout.split('\n').filter(Boolean);
  if (leftovers.length > 0) {
    for (const id of leftovers) await ctr('containers', 'delete', id).catch(() => undefined);
    await containerd.stop();
    containerd = await launch();
  }
  return importImages(ctr);
}

/** `ctr` against the node's containerd (in the namespace the kubelet uses), the node's directory being `dir`. */
export function nodeCtr(dir: string): Ctr {
  const socket = join(dir, 'containerd', 'containerd.sock');
  return (...args) => run('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { maxBuffer: 16 << 20 });
}

function containerdConfig(root: string, state: string, socket: string, cniConf: string): string {
  const q = JSON.stringify;
  return `version = 2
root = ${q(root)}
state = ${q(state)}

[grpc]
  address = ${q(socket)}

[ttrpc]
  address = ${q(`${socket}.ttrpc`)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(join(root, 'opt'))}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  netns_mounts_under_state_dir = true
  # Some machines (this kind among them) lack CAP_SYS_RESOURCE: runc cannot lower a container's
  # oom_score_adj below containerd's own, and every sandbox fails to start unless it is not asked to.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = ${q(join(state, 'runc'))}
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${q(CNI_BIN)}
    conf_dir = ${q(cniConf)}
`;
}

/** How a node's kubelet shares CPUs: `static` pins the integer CPUs of Guaranteed pods' containers to them alone. */
export interface NodeOptions {
  readonly cpuManager?: 'none' | 'static';
}

export function startNodeAgents(dir: string, bin: ClusterBinaries, kubeconfig: string, caFile: string, start: StartProcess, options: NodeOptions = {}): void {
  const kubeletConfig = join(dir, 'kubelet.yaml');
  writeFileSync(kubeletConfig, JSON.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // cgroup v1 machines: 1.33 runs there when told to.
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    containerRuntimeEndpoint: `unix://${join(dir, 'containerd', 'containerd.sock')}`,
    podLogsDir: join(dir, 'pod-logs'),
    address: NODE_IP,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: caFile } },
    authorization: { mode: 'AlwaysAllow' },
    clusterDomain: 'cluster.local',
    clusterDNS: [CLUSTER_DNS],
    resolvConf: join(dir, 'resolv.conf'),
    failSwapOn: false,
    // The test images cannot be pulled again: never collect them, never evict for a full disk.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    // Status and config changes noticed sooner than the defaults, for tests.
    nodeStatusUpdateFrequency: '4s',
    syncFrequency: '10s',
    fileCheckFrequency: '5s',
    volumePluginDir: join(dir, 'kubelet-plugins'),
    // The static policy needs a CPU reservation; 100m keeps 1.9 CPUs allocatable on two (CPU 0 stays
    // in the shared pool), so one whole CPU can be pinned beside CoreDNS. Its state file is in the
    // per-start root dir: a policy change never meets an old one.
    ...(options.cpuManager === 'static' ? { cpuManagerPolicy: 'static', kubeReserved: { cpu: '100m' } } : {}),
  }, null, 2));
  start('kubelet', bin.kubelet, [
    `--config=${kubeletConfig}`, `--kubeconfig=${kubeconfig}`, `--root-dir=${join(dir, 'kubelet')}`,
    `--hostname-override=${NODE_NAME}`, `--node-ip=${NODE_IP}`, '--v=1',
  ]);
  const proxyConfig = join(dir, 'kube-proxy.yaml');
  writeFileSync(proxyConfig, JSON.stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    hostnameOverride: NODE_NAME,
    mode: 'iptables',
    clusterCIDR: POD_CIDR,
    bindAddress: NODE_IP,
    metricsBindAddress: '127.0.0.1:10249',
    healthzBindAddress: '127.0.0.1:10256',
    nodePortAddresses: [`${NODE_IP}/32`],
    // Leave the machine's conntrack settings and route_localnet alone.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    iptables: { masqueradeAll: false, syncPeriod: '10s', minSyncPeriod: '1s', localhostNodePorts: false },
  }, null, 2));
  start('kube-proxy', bin.kubeProxy, [`--config=${proxyConfig}`, '--v=1']);
}
