import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../cluster/processes.js';
import { runCli } from '../run-cli.js';
import { composeProject, createNamespace, list, SHOP, useCluster } from './cluster-fixture.js';

const c = useCluster();
const project = composeProject(SHOP);
const dir = mkdtempSync(join(tmpdir(), 'tychoc-faults-'));

/** A kubeconfig for `server` with a bearer token; the harness's CA unless told otherwise. */
function kubeconfig(name: string, server: string, token: string, namespace = 'default'): string {
  const file = join(dir, name);
  const q = JSON.stringify;
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: ${q(server)}, certificate-authority: ${q(c.cluster.caFile)}}\n` +
      `users:\n- name: u\n  user: {token: ${q(token)}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: ${namespace}}\ncurrent-context: x\n`,
  );
  return file;
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return stderr;
}

describe('which cluster and namespace', () => {
  it('--context picks a context, whose namespace is the default; KUBECONFIG files are merged', async () => {
    await createNamespace(c.api, 'ctx-ns');
    const q = JSON.stringify;
    const clusters = join(dir, 'clusters.yaml');
    writeFileSync(
      clusters,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: ${q(c.cluster.server)}, certificate-authority: ${q(c.cluster.caFile)}}\n` +
        `users:\n- name: u\n  user: {token: ${q(c.cluster.token)}}\ncontexts:\n- name: plain\n  context: {cluster: c, user: u}\ncurrent-context: plain\n`,
    );
    const contexts = join(dir, 'contexts.yaml');
    writeFileSync(contexts, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: team\n  context: {cluster: c, user: u, namespace: ctx-ns}\n');
    const env = { KUBECONFIG: `${clusters}:${contexts}` };
    const up = await runCli(['up', '--context', 'team', '-q', '-o', 'json'], project, env);
    expect(up.stderr).toBe('');
    expect(JSON.parse(up.stdout)).toMatchObject({ namespace: 'ctx-ns' });
    const [system] = JSON.parse((await runCli(['status', '-n', 'ctx-ns', '-o', 'json'], dir, env)).stdout);
    expect(system).toMatchObject({ namespace: 'ctx-ns', app: 'shop' });
    expect((await runCli(['down', system.sid, '--volumes'], dir, env)).code).toBe(0);
  });
});

describe('faults: one clear line and a documented exit code', () => {
  it('no kubeconfig, a missing file, an unknown context: exit 3', async () => {
    const none = await runCli(['status'], dir, {});
    expect(none).toMatchObject({ code: 3, stderr: 'tychoc: no kubeconfig: set KUBECONFIG, pass --kubeconfig, create ~/.kube/config, or run in a pod\n' });
    const missing = await c.tychoc(['status', '--kubeconfig', 'nope.yaml'], dir);
    expect(missing).toMatchObject({ code: 3, stderr: `tychoc: kubeconfig ${join(dir, 'nope.yaml')} does not exist\n` });
    const context = await c.tychoc(['status', '--context', 'elsewhere']);
    expect(context).toMatchObject({ code: 3, stderr: 'tychoc: the kubeconfig has no context `elsewhere`\n' });
    const inCluster = await runCli(['status'], dir, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' });
    expect(inCluster).toMatchObject({ code: 3, stderr: 'tychoc: KUBERNETES_SERVICE_HOST is set but /var/run/secrets/kubernetes.io/serviceaccount/token does not exist\n' });
  });

  it('an API server that is not there: exit 3', async () => {
    const port = await freePort();
    const file = kubeconfig('closed', `https://127.0.0.1:${port}`, 'x');
    for (const args of [['status'], ['up', '-q'], ['down', 'abc123']]) {
      const run = await runCli([...args, '--kubeconfig', file], project, {});
      expect(run.code).toBe(3);
      expect(oneLine(run.stderr)).toBe(`tychoc: cannot reach the API server at https://127.0.0.1:${port}: connection refused\n`);
    }
  });

  it('credentials the server rejects (401): exit 4', async () => {
    const run = await runCli(['status', '--kubeconfig', kubeconfig('bad-token', c.cluster.server, 'not-a-token')], dir, {});
    expect(run.code).toBe(4);
    expect(oneLine(run.stderr)).toBe('tychoc: Unauthorized (the cluster does not accept the kubeconfig\'s credentials)\n');
  });

  it('a user allowed only some things (403): exit 4, nothing left behind; status falls back to the context namespace', async () => {
    await createNamespace(c.api, 'team');
    await c.api.create('/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'dev' } });
    await c.api.create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'dev' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['*'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
        { apiGroups: ['', 'apps', 'batch'], resources: ['services', 'pods', 'deployments', 'daemonsets', 'statefulsets', 'jobs'], verbs: ['get', 'list'] },
      ],
    });
    await c.api.create('/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'dev' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dev' },
      subjects: [{ kind: 'ServiceAccount', name: 'dev', namespace: 'team' }],
    });
    const { status } = await c.api.create('/api/v1/namespaces/team/serviceaccounts/dev/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    const file = kubeconfig('dev', c.cluster.server, status.token, 'team');
    await c.tychoc(['up', '-n', 'team', '-q'], project);

    const seen = await runCli(['status', '--terse', '--kubeconfig', file], dir, {});
    expect(seen.code).toBe(0);
    expect(seen.stdout).toMatch(/^SYSTEM .*\nshop-[0-9a-f]{12} .* team .*\n$/);

    const up = await runCli(['up', '-n', 'team', '-q', '--namespace-per-system', '--kubeconfig', file], project, {});
    expect(up.code).toBe(4);
    expect(oneLine(up.stderr)).toMatch(/^tychoc: applying namespace\/shop-[0-9a-f]{12} failed: namespaces "shop-[0-9a-f]{12}" is forbidden: User "system:serviceaccount:team:dev" cannot patch resource "namespaces"/);
    const users = await runCli(['up', '-n', 'default', '-q', '--kubeconfig', file], project, {});
    expect(users.code).toBe(4);
    expect(oneLine(users.stderr)).toContain('tychoc takes turns with other tychocs through a Lease, and may not use leases.coordination.k8s.io in namespace default: leases.coordination.k8s.io "tychoc-lock" is forbidden: User "system:serviceaccount:team:dev" cannot get resource "leases"');
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/team/leases')).toEqual([]);
  });

  const lease = (holder: string, renewedSecondsAgo = 0) => {
    const at = new Date(Date.now() - renewedSecondsAgo * 1000).toISOString().replace(/Z$/, '000Z');
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'tychoc-lock' }, spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: at, renewTime: at } };
  };

  it('another tychoc changing the namespace: up waits for it to finish, saying who and for how long', async () => {
    await createNamespace(c.api, 'busy');
    await c.api.create('/apis/coordination.k8s.io/v1/namespaces/busy/leases', lease('other-123', 3));
    const up = c.tychoc(['up', '-n', 'busy'], project);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await list(c.api, '/apis/apps/v1/namespaces/busy/deployments')).toEqual([]);
    await c.api.delete('/apis/coordination.k8s.io/v1/namespaces/busy/leases/tychoc-lock');
    const run = await up;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/waiting for other-123, which has been changing the namespace for [3-5]s\n/);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/busy/leases')).toEqual([]);
  });

  it('a lock whose holder stopped renewing it is taken over once it expires', async () => {
    await createNamespace(c.api, 'stale');
    await c.api.create('/apis/coordination.k8s.io/v1/namespaces/stale/leases', lease('killed-1'));
    const started = Date.now();
    const run = await c.tychoc(['up', '-n', 'stale'], project);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('waiting for killed-1');
    // Taken over after the lease's 15 s without a renewal, not the 10 minutes of the old lock.
    expect(Date.now() - started).toBeGreaterThanOrEqual(15_000);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/stale/leases')).toEqual([]);
  }, 60_000);

  it('down racing an up waits for it, then leaves nothing of the system; modify waits its turn too', async () => {
    await createNamespace(c.api, 'race');
    const many = composeProject(`name: many\nservices:\n${Array.from({ length: 12 }, (_, i) => `  s${i}:\n    image: nginx:1.27\n    ports: ["80"]\n`).join('')}`);
    const up = c.tychoc(['up', '-n', 'race', '-q'], many);
    // The ApplySet parent is the first object up writes; down starts as soon as it can find the system.
    const parent = await waitFor('the system to appear', 30_000, async () => (await list(c.api, '/api/v1/namespaces/race/configmaps?labelSelector=app-name%3Dmany'))[0]);
    const sid = parent.metadata.labels['tycho-guid'];
    const down = c.tychoc(['down', sid]);
    const [upRun, downRun] = await Promise.all([up, down]);
    expect(upRun.code).toBe(0);
    expect(downRun.code).toBe(0);
    for (const kind of ['apps/v1/deployments', 'v1/services', 'v1/configmaps']) {
      const prefix = kind.startsWith('v1/') ? '/api' : '/apis';
      expect(await list(c.api, `${prefix}/${kind.replace(/\/([a-z]+)$/, '/namespaces/race/$1')}?labelSelector=tycho-guid%3D${sid}`)).toEqual([]);
    }
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/race/leases')).toEqual([]);
  });

  it('a ResourceQuota that says no: exit 6, and the attempt is rolled back', async () => {
    await createNamespace(c.api, 'quota');
    await c.api.create('/api/v1/namespaces/quota/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-deployments' }, spec: { hard: { 'count/deployments.apps': '0' } } });
    // The quota controller must have counted usage before admission enforces the quota.
    await waitForQuota('quota', 'no-deployments');
    const run = await c.tychoc(['up', '-n', 'quota', '-q'], project);
    expect(run.code).toBe(6);
    expect(oneLine(run.stderr)).toMatch(/^tychoc: applying deployment\.apps\/db failed: deployments\.apps "db" is forbidden: exceeded quota: no-deployments.*; removed the 5 object\(s\) this attempt created\n$/);
    expect(await list(c.api, '/api/v1/namespaces/quota/services')).toEqual([]);
    // A claim the provisioner bound already keeps its protection finalizer a moment after its deletion.
    const claims = await list(c.api, '/api/v1/namespaces/quota/persistentvolumeclaims');
    expect(claims.filter((pvc) => !pvc.metadata.deletionTimestamp)).toEqual([]);
    await waitFor('the deleted claims to be gone', 30_000, async () => ((await list(c.api, '/api/v1/namespaces/quota/persistentvolumeclaims')).length === 0 ? true : undefined));
  });

  it('an invalid value (422): exit 6; a kind the cluster does not serve, a namespace that does not exist: exit 7', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}\n');
    const invalid = await c.tychoc(['apply', file, '-p', 'p'], dir);
    expect(invalid.code).toBe(6);
    expect(oneLine(invalid.stderr)).toContain('tychoc: applying service/s failed: Service "s" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
    writeFileSync(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    const unknown = await c.tychoc(['apply', file, '-p', 'p', '-q'], dir);
    expect(unknown).toMatchObject({ code: 7, stderr: 'tychoc: the cluster does not serve kind Widget in example.com/v1\n' });
    const nowhere = await c.tychoc(['up', '-n', 'nowhere', '-q'], project);
    expect(nowhere).toMatchObject({ code: 7, stderr: 'tychoc: namespace nowhere does not exist; create it or use --namespace-per-system\n' });
  });

  it('--wait gives up after --timeout when pods cannot be scheduled: exit 8, the system stays', async () => {
    const arm = composeProject('name: arm\nservices:\n  app:\n    image: busybox:1.36\n    platform: linux/arm64\n');
    const run = await c.tychoc(['up', '--wait', '--timeout', '3s', '-q'], arm);
    expect(run.code).toBe(8);
    expect(oneLine(run.stderr)).toMatch(/^tychoc: timed out after 3s waiting for deployment\.apps\/app \(0\/1 available\); the system stays as it is \(tychoc status ([0-9a-f]{12}), tychoc down \1\)\n$/);
    expect(await list(c.api, '/apis/apps/v1/namespaces/default/deployments?labelSelector=app-name%3Darm')).toHaveLength(1);
  });
});

async function waitForQuota(namespace: string, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const q = await c.api.get(`/api/v1/namespaces/${namespace}/resourcequotas/${name}`);
    if (q.status?.used) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the quota controller did not count usage');
}
