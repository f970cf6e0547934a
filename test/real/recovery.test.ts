import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { KubeHttp } from '../cluster/http.js';
import { isAlive, processesMentioning } from '../cluster/host-processes.js';
import { waitFor } from '../cluster/processes.js';
import { startRealNode } from '../cluster/real-node.js';
import { describeOnRealNode } from './real-node-fixture.js';

describeOnRealNode('real node after a killed run', () => {
  it('the next start removes what a killed run left, pods included, and runs pods again', async () => {
    const first = await startRealNode();
    const runningPod = async (api: KubeHttp, name: string) => {
      await api.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name, image: 'busybox:1.36', command: ['sleep', '3600'] }] },
      });
      await waitFor(`${name} to run`, 60_000, async () => ((await api.get(`/api/v1/namespaces/default/pods/${name}`)).status?.phase === 'Running' ? true : undefined));
    };
    await runningPod(new KubeHttp(first), 'before');
    const podProcesses = cgroupTasks();
    expect(podProcesses.length).toBeGreaterThan(0);

    // As if the process that started the node had been killed: its daemons die, while the
    // containerd shims and the containers they run (in their own sessions) live on.
    const daemons = processesMentioning(`${first.dir}/`).filter((p) => !p.cmdline.includes('containerd-shim'));
    for (const p of daemons) process.kill(p.pid, 'SIGKILL');
    expect(podProcesses.filter(isAlive).length).toBeGreaterThan(0);

    const second = await startRealNode();
    try {
      expect(podProcesses.filter(isAlive)).toEqual([]);
      await runningPod(new KubeHttp(second), 'after');
    } finally {
      await second.stop();
    }
    expect(processesMentioning(`${second.dir}/`)).toEqual([]);
    expect(cgroupTasks()).toEqual([]);
  }, 240_000);
});

/** Processes in the kubelet's pod cgroups. */
function cgroupTasks(): number[] {
  const tasks: number[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name === 'tasks') tasks.push(...readFileSync(`${dir}/tasks`, 'utf8').split('\n').filter(Boolean).map(Number));
    }
  };
  walk('/sys/fs/cgroup/pids/kubepods');
  return [...new Set(tasks)].sort();
}
