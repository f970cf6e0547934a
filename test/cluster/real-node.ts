import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packagePath } from '../../src/package-path.js';
import { locateBinaries, type ClusterBinaries } from './binaries.js';
import { START_TIMEOUT_MS, startControlPlane, waitForWorkloads } from './control-plane.js';
import { corednsObjects, CLUSTER_DNS } from './coredns.js';
import { processGroup, type Cluster } from './harness.js';
import { isAlive } from './host-processes.js';
import type { KubeHttp } from './http.js';
import { nodeIsReady } from './kwok.js';
import { importImages, locateImages } from './node-images.js';
import { onOrphaned, waitFor } from './processes.js';
import { defaultStorageClass, FakeProvisioner } from './provisioner.js';

const run = promisify(execFile);

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

export const NODE_NAME = 'tychoc-node';
// The harness's own bridge carries the node's address: the apiserver, the kubelet and the pods
// talk over it, and nothing the node does reaches the machine's own interfaces.
const BRIDGE = 'tychoc0';
const POD_CIDR = '10.244.0.0/24';
const NODE_IP = '10.244.0.1';
const CNI_BIN = '/usr/lib/cni';
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
// Kernel settings the node needs or the kubelet sets (unless protectKernelDefaults, which would
// refuse to start on this machine's values); saved before the first change, put back at cleanup.
const SYSCTLS = [
  'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.ipv4.conf.all.route_localnet',
  'vm.overcommit_memory', 'vm.panic_on_oom', 'kernel.panic', 'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys', 'kernel.keys.root_maxbytes',
];
// Written by the kubelet and libcni whatever their configuration says.
const HARD_CODED_DIRS = ['/var/lib/kubelet', '/var/log/containers', '/var/log/pods', '/var/lib/cni', '/run/containerd'];
const MARKER = '.tychoc-real-node';

/** The node's directory: containerd's image store persists there; `run/` is made anew each start. */
export function nodeDir(): string {
  return join(process.env.TYCHOC_CACHE ?? join(homedir(), '.cache', 'tychoc'), 'real-node');
}

const CLEAN_SCRIPT = packagePath('test', 'cluster', 'real-node-clean.sh');

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
export async function startRealNode(): Promise<RealNode> {
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
    await clean(base);
    rmSync(join(base, 'owner'), { force: true });
  };

  try {
    await clean(base);
    rmSync(logs, { recursive: true, force: true });
    for (const d of [dir, logs]) mkdirSync(d, { recursive: true });
    onOrphaned(CLEAN_SCRIPT, { TYCHOC_NODE_DIR: base }, join(base, 'owner'));
    await prepareHost(base, dir);
    const bin = await locateBinaries();
    const images = await startContainerd(base, dir, group.start);
    const plane = await startControlPlane(dir, bin, group.start, { address: NODE_IP, controllers: true });
    startNodeAgents(dir, bin, plane.kubeconfig, plane.certs.caCert, group.start);
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

async function clean(base: string): Promise<void> {
  await run('bash', [CLEAN_SCRIPT], { env: { ...process.env, TYCHOC_NODE_DIR: base } });
}

/** The bridge with the node's address, the kernel settings, a guard that keeps pod traffic on the bridge, the kubelet's directories. */
async function prepareHost(base: string, dir: string): Promise<void> {
  const saved = join(base, 'host-sysctls');
  if (!existsSync(saved)) {
    const values = SYSCTLS.map((key) => `${key}=${execFileSync('sysctl', ['-n', key]).toString().trim()}`);
    writeFileSync(saved, values.join('\n') + '\n');
  }
  await run('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1']);
  await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', BRIDGE, 'up']);
  // Pods reach each other, Services and the node; nothing forwarded leaves or enters the bridge.
  const iptables = (...args: string[]) => run('iptables', ['-w', ...args]);
  await iptables('-N', 'TYCHOC-NODE-GUARD');
  await iptables('-A', 'TYCHOC-NODE-GUARD', '-i', BRIDGE, '!', '-o', BRIDGE, '-j', 'DROP');
  await iptables('-A', 'TYCHOC-NODE-GUARD', '!', '-i', BRIDGE, '-o', BRIDGE, '-j', 'DROP');
  await iptables('-I', 'FORWARD', '1', '-j', 'TYCHOC-NODE-GUARD');
  for (const d of HARD_CODED_DIRS) {
    if (existsSync(d)) continue;
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, MARKER), '');
  }
  writeFileSync(join(dir, 'resolv.conf'), '# pods get the cluster DNS; nothing is forwarded beyond it\n');
  mkdirSync(join(dir, 'cni'));
  writeFileSync(
    join(dir, 'cni', '10-tychoc.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'tychoc',
      plugins: [
        {
          type: 'bridge', bridge: BRIDGE, isGateway: true, ipMasq: false, hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: POD_CIDR, gateway: NODE_IP }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(dir, 'ipam') },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }, null, 2),
  );
}

/**
 * Starts containerd, whose image store persists in the node's directory, and imports the test
 * images it lacks. Containers a killed run left in the store are removed first, with containerd
 * restarted so that its CRI plugin does not recover them.
 */
async function startContainerd(base: string, dir: string, start: ReturnType<typeof processGroup>['start']): Promise<string[]> {
  const state = join(dir, 'containerd');
  const socket = join(state, 'containerd.sock');
  const config = join(dir, 'containerd.toml');
  writeFileSync(config, containerdConfig(join(base, 'containerd'), state, socket, join(dir, 'cni')));
  const ctr = (...args: string[]) => run('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { maxBuffer: 16 << 20 });
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

function startNodeAgents(dir: string, bin: ClusterBinaries, kubeconfig: string, caFile: string, start: ReturnType<typeof processGroup>['start']): void {
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

async function startCoreDns(api: KubeHttp): Promise<void> {
  for (const { path, object } of corednsObjects()) await api.create(path, object);
  await waitFor('CoreDNS to be available', START_TIMEOUT_MS, async () => {
    const deployment = await api.get('/apis/apps/v1/namespaces/kube-system/deployments/coredns');
    return (deployment.status?.availableReplicas ?? 0) >= 1 ? true : undefined;
  });
}
