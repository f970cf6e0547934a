import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateBinaries } from './binaries.js';
import { processesMentioning } from './host-processes.js';
import { startCluster, type Cluster } from './harness.js';
import { KubeHttp } from './http.js';
import { nodeIsReady } from './kwok.js';
import { waitFor } from './processes.js';

const NS = 'harness-test';

describe('real-cluster harness', () => {
  let cluster: Cluster;
  let api: KubeHttp;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startCluster({ nodes: 2 });
    console.log(`startCluster took ${((Date.now() - started) / 1000).toFixed(1)}s (${cluster.dir})`);
    api = new KubeHttp(cluster);
    await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop(); // no-op if the last test already stopped it
  }, 60_000);

  it('serves /readyz', async () => {
    const res = await api.request('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
  });

  it('has two Ready simulated nodes', async () => {
    const nodes = (await api.get('/api/v1/nodes')).items;
    expect(nodes.map((n: any) => n.metadata.name).sort()).toEqual(['kwok-node-0', 'kwok-node-1']);
    for (const node of nodes) expect(nodeIsReady(node)).toBe(true);
  });

  it('writes a kubeconfig that kubectl accepts', async () => {
    const { kubectl } = await locateBinaries();
    const { stdout } = await promisify(execFile)(kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', 'nodes', '-o', 'name']);
    expect(stdout.trim().split('\n')).toEqual(['node/kwok-node-0', 'node/kwok-node-1']);
  });

  it('runs a Deployment’s pods on the simulated nodes and removes them when it is deleted', async () => {
    await api.create(`/apis/apps/v1/namespaces/${NS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    });
    const podsPath = `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dweb`;
    const running = await waitFor('2 Running pods', 60_000, async () => {
      const pods = (await api.get(podsPath)).items;
      const ok = pods.filter((p: any) => p.status?.phase === 'Running' && p.spec.nodeName?.startsWith('kwok-node-'));
      return ok.length === 2 && pods.length === 2 ? ok : undefined;
    });
    expect(running.every((p: any) => p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'))).toBe(true);

    await api.request('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
    });
    await waitFor('pods to be gone', 60_000, async () => {
      const pods = (await api.get(podsPath)).items;
      return pods.length === 0 ? true : undefined;
    });
    const replicaSets = (await api.get(`/apis/apps/v1/namespaces/${NS}/replicasets`)).items;
    expect(replicaSets).toEqual([]);
  }, 150_000);

  it('binds a PVC of the default StorageClass', async () => {
    await api.create(`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const pvc = await waitFor('PVC Bound', 60_000, async () => {
      const claim = await api.get(`/api/v1/namespaces/${NS}/persistentvolumeclaims/data`);
      return claim.status?.phase === 'Bound' ? claim : undefined;
    });
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.spec.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pvc.status.capacity.storage).toBe('1Gi');
  }, 90_000);

  it('supports server-side apply', async () => {
    const applied = await api.request(
      'PATCH',
      `/api/v1/namespaces/${NS}/configmaps/settings?fieldManager=test`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n',
      { contentType: 'application/apply-patch+yaml' },
    );
    expect(applied.status).toBe(201);
    expect(applied.body.data).toEqual({ mode: 'fast' });
    expect(applied.body.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'test', operation: 'Apply' }),
    );
  });

  it('rejects a misspelled field under fieldValidation=Strict, naming the field', async () => {
    const deployment = (replicasKey: string): Record<string, unknown> => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'typo' },
      spec: {
        [replicasKey]: 2,
        selector: { matchLabels: { app: 'typo' } },
        template: { metadata: { labels: { app: 'typo' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
    const created = await api.request(
      'POST',
      `/apis/apps/v1/namespaces/${NS}/deployments?fieldValidation=Strict`,
      deployment('replicass'),
    );
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('unknown field "spec.replicass"');

    // Server-side apply rejects unknown fields whatever fieldValidation says, but Kubernetes
    // 1.33 reports it as HTTP 500, not 400 (kubernetes/kubernetes#139253, #122480), so
    // clients must read the message. Pinned here so that an upgrade that fixes it is noticed.
    const applied = await api.request(
      'PATCH',
      `/apis/apps/v1/namespaces/${NS}/deployments/typo?fieldManager=test&fieldValidation=Strict`,
      JSON.stringify(deployment('replicass')), // JSON is YAML
      { contentType: 'application/apply-patch+yaml' },
    );
    expect(applied.status).toBe(500);
    expect(applied.body.message).toContain('.spec.replicass: field not declared in schema');
  });

  it('stop() ends every process and removes the temp dir', async () => {
    const { dir } = cluster;
    await cluster.stop();
    expect(processesMentioning(dir).filter((p) => !p.cmdline.includes(' watchdog '))).toEqual([]);
    expect(existsSync(dir)).toBe(process.env.TYCHOC_KEEP_CLUSTER === '1');
    await expect(api.request('GET', '/readyz', undefined, { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
    // The harness's orphan watchdog for the dir notices the removal within a second or so.
    if (process.env.TYCHOC_KEEP_CLUSTER !== '1') {
      await waitFor('watchdogs to exit', 5000, async () => (processesMentioning(dir).length === 0 ? true : undefined));
    }
  }, 60_000);
});
