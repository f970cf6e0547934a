import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packagePath } from '../../src/package-path.js';

const run = promisify(execFile);

// The harness's own bridge carries the node's address: the apiserver, the kubelet and the pods
// talk over it, and nothing the node does reaches the machine's own interfaces.
const BRIDGE = 'tychoc0';
export const POD_CIDR = '10.244.0.0/24';
export const NODE_IP = '10.244.0.1';
export const CNI_BIN = '/usr/lib/cni';
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

export const CLEAN_SCRIPT = packagePath('test', 'cluster', 'real-node-clean.sh');

/** Removes what a node left on the machine (see the script); `base` is the node's directory. */
export async function cleanHost(base: string): Promise<void> {
  await run('bash', [CLEAN_SCRIPT], { env: { ...process.env, TYCHOC_NODE_DIR: base } });
}

/** The bridge with the node's address, the kernel settings, a guard that keeps pod traffic on the bridge, the kubelet's directories. */
export async function prepareHost(base: string, dir: string): Promise<void> {
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
