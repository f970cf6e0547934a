import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeOnRealNode, eventually, useRealNode } from './real-node-fixture.js';

/**
 * A core shard on a real kubelet with the static CPU manager: `tychoc up` plans the shard count
 * on the node as it is (what is allocatable, less what its pods ask), the shard's pod is
 * Guaranteed, its container's cpuset holds exactly one CPU, no other pod's holds it, and the
 * frontend Service answers from the shard by its compose name.
 */
const COMPOSE = `name: pinned
services:
  worker:
    image: tychoc.test/numeric-user:1
    entrypoint: ["sh", "-c", "mkdir -p /tmp/www && echo shard-$$SHARD_INDEX of $$SHARD_COUNT on cpus $$(cat /sys/fs/cgroup/cpuset/cpuset.cpus), GOMAXPROCS=$$GOMAXPROCS > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
    expose: ["8080"]
    stop_grace_period: 1s
    x-tycho:
      shards: {count: auto, granularity: core, cpus_per_shard: 1, memory_per_shard: 64M}
`;

describeOnRealNode('a core shard on a kubelet that pins CPUs', () => {
  const t = useRealNode({ cpuManager: 'static' });

  it('runs pinned to a CPU of its own, planned on the node, and answers through its frontend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tychoc-shards-'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shards' } });
    const up = await t.tychoc(['up', '-n', 'shards', '--wait', '--timeout', '120s', '-q', '-o', 'json'], dir);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);

    // 1.9 CPUs allocatable less CoreDNS's 0.1: one whole CPU, so one shard.
    const pods = (await t.api.get('/api/v1/namespaces/shards/pods?labelSelector=app.kubernetes.io%2Fname%3Dworker')).items;
    expect(pods.map((p: any) => [p.metadata.name, p.status.qosClass])).toEqual([['worker-0', 'Guaranteed']]);
    const pinned = await t.exec('shards', 'worker-0', 'cat /sys/fs/cgroup/cpuset/cpuset.cpus');
    expect(pinned.stdout.trim()).toMatch(/^\d+$/);

    // Every other pod shares what is left: the shard's CPU is its own.
    const client = await t.client('shards');
    const shared = await t.exec('shards', client, 'cat /sys/fs/cgroup/cpuset/cpuset.cpus');
    expect(shared.stdout.trim().split(/[,-]/)).not.toContain(pinned.stdout.trim());

    const answer = await eventually('the frontend to answer', () => t.exec('shards', client, 'busybox wget -qO- http://worker:8080/'), (r) => r.code === 0);
    expect(answer.stdout).toBe(`shard-0 of 1 on cpus ${pinned.stdout.trim()}, GOMAXPROCS=1\n`);
  });
});
