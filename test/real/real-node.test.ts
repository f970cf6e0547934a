import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { processesMentioning } from '../cluster/host-processes.js';
import { waitFor } from '../cluster/processes.js';
import { NODE_NAME, nodeDir } from '../cluster/real-node.js';
import { describeOnRealNode, eventually, unavailable, useRealNode } from './real-node-fixture.js';

const NS = 'node-test';

// What the kubelet and kube-proxy change on the machine, read before the node starts.
const before = unavailable ? undefined : hostState();

describeOnRealNode('real node', () => {
  const t = useRealNode();
  const pods = `/api/v1/namespaces/${NS}/pods`;
  const pod = (name: string, spec: object) => t.api.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec });
  const waitingReason = (name: string) =>
    waitFor(`a waiting reason for ${name}`, 60_000, async () => {
      const status = (await t.api.get(`${pods}/${name}`)).status;
      const waiting = status?.containerStatuses?.[0]?.state?.waiting;
      return waiting?.message ? `${waiting.reason}: ${waiting.message}` : undefined;
    });

  it('registers one Ready node at the bridge address, with the test images', async () => {
    const node = await t.api.get(`/api/v1/nodes/${NODE_NAME}`);
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: '10.244.0.1' });
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.33.13');
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(t.node.images).toEqual(expect.arrayContaining(['docker.io/library/nginx:1.27', 'docker.io/library/postgres:16', 'docker.io/library/redis:7', 'tychoc.test/client:1']));
    await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  });

  it('runs a container whose output kubectl logs reads and in which kubectl exec runs', async () => {
    await pod('hello', { containers: [{ name: 'hello', image: 'busybox:1.36', command: ['sh', '-c', 'echo hello from $(hostname); exec sleep 3600'] }], terminationGracePeriodSeconds: 0 });
    await waitFor('hello to run', 60_000, async () => ((await t.api.get(`${pods}/hello`)).status?.phase === 'Running' ? true : undefined));
    const logs = await eventually('the log line', () => t.kubectl(['logs', '-n', NS, 'hello']), (r) => r.stdout.includes('hello'));
    expect(logs.stdout).toBe('hello from hello\n');
    const exec = await t.exec(NS, 'hello', 'id -u; cat /proc/1/status | grep ^NoNewPrivs');
    expect(exec).toMatchObject({ code: 0, stdout: '0\nNoNewPrivs:\t0\n' });
  });

  it('enforces what a simulated node would not: runAsNonRoot against an image that runs as root', async () => {
    await pod('nonroot', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'web', image: 'nginx:1.27' }] });
    expect(await waitingReason('nonroot')).toMatch(/^CreateContainerConfigError: container has runAsNonRoot and image will run as root/);
  });

  it('refuses a named non-root USER under runAsNonRoot, as the kubelet cannot verify it', async () => {
    await pod('named', { securityContext: { runAsNonRoot: true }, containers: [{ name: 'web', image: 'tychoc.test/named-user:1' }] });
    expect(await waitingReason('named')).toMatch(/^CreateContainerConfigError: container has runAsNonRoot and image has non-numeric user \(app\), cannot verify user is non-root/);
  });

  it('runs readiness probes for real: a failing one keeps the pod out of its Service', async () => {
    const probe = (file: string) => ({ exec: { command: ['test', '-f', file] }, periodSeconds: 1 });
    await pod('probed', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'touch /tmp/ok; exec sleep 3600'], readinessProbe: probe('/tmp/missing') }], terminationGracePeriodSeconds: 0 });
    await pod('ready', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'touch /tmp/ok; exec sleep 3600'], readinessProbe: probe('/tmp/ok') }], terminationGracePeriodSeconds: 0 });
    await waitFor('ready to be Ready', 60_000, async () => ((await t.api.get(`${pods}/ready`)).status?.containerStatuses?.[0]?.ready ? true : undefined));
    const probed = await t.api.get(`${pods}/probed`);
    expect(probed.status.phase).toBe('Running');
    expect(probed.status.containerStatuses[0].ready).toBe(false);
  });

  it('routes a Service name to its pods through CoreDNS and kube-proxy', async () => {
    await pod('web', { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] });
    await t.api.create(`/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] } });
    const client = await t.client(NS);
    const page = await eventually('http://web:8080/', () => t.exec(NS, client, 'busybox wget -qO- http://web:8080/'), (r) => r.code === 0);
    expect(page.stdout).toContain('Welcome to nginx');
    const fqdn = await t.exec(NS, client, `busybox wget -qO- http://web.${NS}.svc.cluster.local:8080/ >/dev/null && echo ok`);
    expect(fqdn.stdout).toBe('ok\n');
  });

  it('keeps pod traffic on the bridge: nothing is forwarded to another network', async () => {
    // The other network is a test host of this test's own: a network namespace behind a veth pair.
    const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { stdio: 'pipe' }).toString();
    const netnsDir = existsSync('/run/netns');
    sh('ip netns add tychoc-outside && ip link add tychoc-out0 type veth peer name eth0 netns tychoc-outside');
    try {
      sh('ip addr add 10.245.0.1/30 dev tychoc-out0 && ip link set tychoc-out0 up');
      sh('ip -n tychoc-outside addr add 10.245.0.2/30 dev eth0 && ip -n tychoc-outside link set eth0 up && ip -n tychoc-outside link set lo up');
      sh('ip -n tychoc-outside route add default via 10.245.0.1');
      sh('mkdir -p /tmp/tychoc-outside-www && (ip netns exec tychoc-outside busybox httpd -p 10.245.0.2:80 -h /tmp/tychoc-outside-www)');
      // The host reaches it, so a pod that cannot is stopped by the guard, not by the route.
      expect(sh('busybox wget -S -qO- http://10.245.0.2/ 2>&1 || true')).toContain('404');
      const client = await t.client(NS);
      const out = await t.exec(NS, client, 'timeout 3 busybox wget -qO- http://10.245.0.2/ 2>&1; echo exit=$?');
      expect(out.stdout).toMatch(/exit=[1-9]/);
      expect(out.stdout).not.toContain('404');
    } finally {
      sh('ip netns pids tychoc-outside | xargs -r kill; ip link del tychoc-out0; ip netns del tychoc-outside; rm -rf /tmp/tychoc-outside-www');
      if (!netnsDir) sh('rmdir /run/netns');
    }
  });

  it('stop() leaves nothing of the node on the machine', async () => {
    const base = nodeDir();
    await t.node.stop();
    expect(processesMentioning(`${base}/run/`)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(base))).toEqual([]);
    expect(existsSync(`${base}/run`)).toBe(false);
    expect(hostState()).toEqual(before);
  }, 120_000);
});

/** The machine state the node touches: links, iptables chains, kernel settings, the kubelet's directories, pod cgroups. */
function hostState(): Record<string, unknown> {
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd]).toString();
  return {
    links: sh("ip -o link | awk -F': ' '{print $2}' | sort"),
    chains: sh("iptables -w -S; iptables -w -t nat -S; iptables -w -t mangle -S"),
    sysctls: sh('sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.ipv4.conf.all.route_localnet vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops'),
    dirs: ['/var/lib/kubelet', '/var/log/containers', '/var/log/pods', '/var/lib/cni', '/run/containerd'].filter((d) => existsSync(d)),
    cgroups: existsSync('/sys/fs/cgroup/memory/kubepods'),
  };
}
