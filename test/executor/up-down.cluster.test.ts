import { describe, expect, it } from 'vitest';
import { waitFor } from '../cluster/processes.js';
import { composeProject, createNamespace, list, runningPods, SHOP, useCluster } from './cluster-fixture.js';

const c = useCluster();
const project = composeProject(SHOP);

describe('tychoc up, status, scale, modify, down', () => {
  let sid = '';

  it('up --wait creates the system with its labels, and its pods run on the simulated nodes', async () => {
    await createNamespace(c.api, 'shop');
    const out = await c.json(['up', '-n', 'shop', '--wait'], project);
    sid = out.sid;
    expect(sid).toMatch(/^[0-9a-f]{12}$/);
    expect(out).toMatchObject({
      name: `shop-${sid}`,
      app: 'shop',
      namespace: 'shop',
      action: 'created',
      ready: true,
      services: {
        web: { kind: 'Deployment', replicas: 1, ports: [{ port: 80, protocol: 'TCP' }] },
        db: { kind: 'Deployment', replicas: 1, ports: [{ port: 5432, protocol: 'TCP' }] },
        migrate: { kind: 'Job', ports: [] },
      },
    });
    const deployments = await list(c.api, `/apis/apps/v1/namespaces/shop/deployments?labelSelector=tycho-guid%3D${sid}`);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['db', 'web']);
    for (const d of deployments) {
      expect(d.metadata.labels).toMatchObject({ executor: 'tycho', 'app-name': 'shop', name: `shop-${sid}`, 'tycho-guid': sid });
      expect(d.metadata.labels['applyset.kubernetes.io/part-of']).toMatch(/^applyset-[A-Za-z0-9_-]{43}-v1$/);
      expect(d.spec.selector.matchLabels['tycho-guid']).toBe(sid);
      expect(d.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'tychoc', operation: 'Apply' }));
    }
    const pods = await runningPods(c.api, 'shop', sid, 2);
    expect(pods.every((p) => p.spec.nodeName.startsWith('kwok-node-'))).toBe(true);
    const [job] = await list(c.api, `/apis/batch/v1/namespaces/shop/jobs?labelSelector=tycho-guid%3D${sid}`);
    expect(job.status.conditions).toContainEqual(expect.objectContaining({ type: 'Complete', status: 'True' }));
  });

  it('status -o json reports replicas, pod phases, restarts and ports per service', async () => {
    const [system] = await c.json(['status', sid]);
    expect(system).toMatchObject({ name: `shop-${sid}`, app: 'shop', sid, namespace: 'shop' });
    const byName = Object.fromEntries(system.services.map((s: any) => [s.name, s]));
    expect(byName.web).toMatchObject({ kind: 'Deployment', desired: 1, ready: 1, rolledOut: true, pods: { Running: 1 }, restarts: 0, ports: [{ port: 80, protocol: 'TCP' }] });
    expect(byName.db).toMatchObject({ kind: 'Deployment', desired: 1, ready: 1, pods: { Running: 1 }, ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(byName.migrate).toMatchObject({ kind: 'Job', desired: 1, ready: 1, rolledOut: true, pods: { Succeeded: 1 } });
    const terse = await c.tychoc(['status', '--terse']);
    expect(terse.stdout).toMatch(new RegExp(`^SYSTEM +SID +NAMESPACE +READY +AGE\\nshop-${sid} +${sid} +shop +3/3 +\\d+s\\n$`));
  });

  it('scale sets replicas through the scale subresource, and status follows', async () => {
    const run = await c.tychoc(['scale', sid, 'web', '3']);
    expect(run).toMatchObject({ code: 0, stdout: 'deployment.apps/web scaled to 3\n' });
    await runningPods(c.api, 'shop', sid, 4);
    const deployment = await c.api.get('/apis/apps/v1/namespaces/shop/deployments/web');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'tychoc-scale', subresource: 'scale' }));
    // The Deployment's status catches up with its pods a moment later.
    const web = await waitFor('status to show 3 ready', 30_000, async () => {
      const [system] = await c.json(['status', sid]);
      const service = system.services.find((s: any) => s.name === 'web');
      return service.ready === 3 ? service : undefined;
    });
    expect(web).toMatchObject({ desired: 3, ready: 3, rolledOut: true, pods: { Running: 3 } });
  });

  it('modify changes resources and labels of one service, and no other', async () => {
    const run = await c.tychoc(['modify', sid, '--service', 'db', '--cpu', '250m', '--memory', '256Mi', '--label', 'team=data']);
    expect(run).toMatchObject({ code: 0, stdout: 'deployment.apps/db modified\n' });
    const db = await c.api.get('/apis/apps/v1/namespaces/shop/deployments/db');
    const quantities = { cpu: '250m', memory: '256Mi' };
    expect(db.spec.template.spec.containers[0].resources).toEqual({ requests: quantities, limits: quantities });
    expect(db.metadata.labels.team).toBe('data');
    expect(db.spec.template.metadata.labels.team).toBe('data');
    // Everything else the executor applied is still there.
    expect(db.spec.template.spec.containers[0].image).toBe('postgres:16');
    expect(db.metadata.labels['tycho-guid']).toBe(sid);
    const web = await c.api.get('/apis/apps/v1/namespaces/shop/deployments/web');
    expect(web.metadata.labels.team).toBeUndefined();

    const replicas = await c.tychoc(['modify', sid, '--service', 'web', '--replicas', '2']);
    expect(replicas.code).toBe(0);
    expect((await c.api.get('/apis/apps/v1/namespaces/shop/deployments/web')).spec.replicas).toBe(2);
  });

  it('modify and scale name what is wrong: an unknown service, a Job, no change asked', async () => {
    const unknown = await c.tychoc(['modify', sid, '--service', 'cache', '--cpu', '1']);
    expect(unknown).toMatchObject({ code: 7, stderr: `tychoc: system ${sid} has no service cache (it has db, migrate, web)\n` });
    const job = await c.tychoc(['scale', sid, 'migrate', '2']);
    expect(job).toMatchObject({ code: 6, stderr: 'tychoc: job.batch/migrate is a Job, which has no replica count\n' });
    expect((await c.tychoc(['modify', sid])).code).toBe(2);
    expect((await c.tychoc(['modify', sid, '--cpu', 'lots'])).code).toBe(2);
    expect((await c.tychoc(['scale', 'No_Such', 'web', '1'])).code).toBe(2);
    expect(await c.tychoc(['scale', 'no-such', 'web', '1'])).toMatchObject({ code: 7, stderr: 'tychoc: no system with id no-such, nor a project of that name\n' });
    expect(await c.tychoc(['scale', 'abcdef123456', 'web', '1'])).toMatchObject({ code: 7, stderr: 'tychoc: no system with id abcdef123456\n' });
  });

  it('up --sid re-applies: fields scale changed are a conflict unless --force-conflicts', async () => {
    const conflict = await c.tychoc(['up', '--sid', sid, '-q'], project);
    expect(conflict.code).toBe(5);
    expect(conflict.stderr).toMatch(/^tychoc: applying deployment\.apps\/(db|web) failed: Apply failed with \d+ conflicts?: conflict with "tychoc-(scale|modify)"/);
    expect(conflict.stderr).toContain('--force-conflicts takes them over');
    const forced = await c.json(['up', '--sid', sid, '--force-conflicts'], project);
    expect(forced).toMatchObject({ sid, action: 'updated', namespace: 'shop' });
    expect((await c.api.get('/apis/apps/v1/namespaces/shop/deployments/web')).spec.replicas).toBe(1);
  });

  it('refuses a second system of the project in the same namespace, and creates nothing', async () => {
    const before = await list(c.api, '/api/v1/namespaces/shop/configmaps');
    const run = await c.tychoc(['up', '-n', 'shop'], project);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(
      new RegExp(
        `^tychoc: namespace shop already has objects of these names, system ${sid} \\(project shop\\): persistentvolumeclaim/shop-data, service/db, service/migrate and \\d+ more\\. ` +
          `Use another namespace \\(-n NAMESPACE or --namespace-per-system\\), or update that system with --sid ${sid}\n$`,
      ),
    );
    expect(await list(c.api, '/api/v1/namespaces/shop/configmaps')).toHaveLength(before.length);
  });

  it('never takes over objects it did not create', async () => {
    await createNamespace(c.api, 'users');
    await c.api.create('/api/v1/namespaces/users/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 1 }] } });
    const run = await c.tychoc(['up', '-n', 'users'], project);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('namespace users already has objects of these names, objects not created by tychoc: service/web.');
    expect((await c.api.get('/api/v1/namespaces/users/services/web')).metadata.labels).toBeUndefined();
    expect(await list(c.api, '/apis/apps/v1/namespaces/users/deployments')).toEqual([]);
  });

  it('concurrent ups into one namespace: one system is made, the other is refused', async () => {
    await createNamespace(c.api, 'race');
    const runs = await Promise.all([c.tychoc(['up', '-n', 'race', '-q'], project), c.tychoc(['up', '-n', 'race', '-q'], project)]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 5]);
    const sids = new Set((await list(c.api, '/apis/apps/v1/namespaces/race/deployments')).map((d) => d.metadata.labels['tycho-guid']));
    expect(sids.size).toBe(1);
  });

  it('concurrent ups with --namespace-per-system make two independent systems', async () => {
    const [a, b] = await Promise.all([
      c.json(['up', '--namespace-per-system', '--wait'], project),
      c.json(['up', '--namespace-per-system', '--wait'], project),
    ]);
    expect(a.sid).not.toBe(b.sid);
    for (const s of [a, b]) {
      expect(s.namespace).toBe(`shop-${s.sid}`);
      const ns = await c.api.get(`/api/v1/namespaces/${s.namespace}`);
      expect(ns.metadata.labels).toMatchObject({ 'tycho-guid': s.sid, executor: 'tycho' });
      await runningPods(c.api, s.namespace, s.sid, 2);
    }
    const systems = await c.json(['status']);
    expect(systems.map((s: any) => s.sid)).toEqual(expect.arrayContaining([a.sid, b.sid, sid]));

    const down = await c.json(['down', a.sid]);
    expect(down[a.sid].namespaces).toEqual({ deleted: [], kept: [{ name: a.namespace, holds: ['persistentvolumeclaim/shop-data'] }] });
    // The kept claim stays the system's to delete: then the namespace has nothing left to keep.
    const later = await c.tychoc(['down', a.sid, '--volumes']);
    expect(later).toMatchObject({ code: 0, stdout: `system ${a.sid}: deleted 1 object(s) and namespace ${a.namespace}\n` });
    expect(await c.api.request('GET', `/api/v1/namespaces/${a.namespace}`).then((r) => r.status)).toBe(404);
    const downWithVolumes = await c.tychoc(['down', b.sid, '--volumes']);
    expect(downWithVolumes).toMatchObject({ code: 0, stdout: `system ${b.sid}: deleted 9 object(s) and namespace ${b.namespace}\n` });
    expect(await c.api.request('GET', `/api/v1/namespaces/${b.namespace}`).then((r) => r.status)).toBe(404);
    expect(await runningPods(c.api, a.namespace, a.sid, 0)).toEqual([]);
  });

  it('down deletes the system and nothing else, keeps its volume claim, and a new up reuses it', async () => {
    await c.api.create('/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated' }, data: { a: '1' } });
    const other = await c.json(['up', '-n', 'race', '--sid', (await c.json(['status', '-n', 'race']))[0].sid, '-q'], project);
    const run = await c.tychoc(['down', sid]);
    expect(run).toMatchObject({ code: 0, stdout: `system ${sid}: deleted 8 object(s); kept persistentvolumeclaim/shop-data (--volumes deletes them)\n` });
    // Gone, pods included, when down returns.
    expect(await list(c.api, `/api/v1/pods?labelSelector=tycho-guid%3D${sid}`)).toEqual([]);
    expect(await list(c.api, `/apis/apps/v1/replicasets?labelSelector=tycho-guid%3D${sid}`)).toEqual([]);
    expect(await list(c.api, `/api/v1/configmaps?labelSelector=tycho-guid%3D${sid}`)).toEqual([]);
    expect((await c.api.get('/api/v1/namespaces/shop/configmaps/unrelated')).data).toEqual({ a: '1' });
    expect(await list(c.api, `/apis/apps/v1/namespaces/race/deployments?labelSelector=tycho-guid%3D${other.sid}`)).toHaveLength(2);
    const claim = await c.api.get('/api/v1/namespaces/shop/persistentvolumeclaims/shop-data');
    expect(claim.metadata.labels['tycho-guid']).toBeUndefined();
    expect(claim.metadata.labels['app-name']).toBe('shop');

    const again = await c.tychoc(['up', '-n', 'shop', '--wait'], project);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('persistentvolumeclaim/shop-data reused from an earlier system');
    const reused = await c.api.get('/api/v1/namespaces/shop/persistentvolumeclaims/shop-data');
    expect(reused.metadata.uid).toBe(claim.metadata.uid);
    expect(await c.tychoc(['down', sid])).toMatchObject({ code: 7, stderr: `tychoc: no system with id ${sid}\n` });
  });

  it('status shows the node ports the cluster gave NodePort services, and the username', async () => {
    const up = await c.json(['up', '--namespace-per-system', '--service-type', 'NodePort', '--username', 'Jane Doe'], project);
    const nodePort = up.services.web.ports[0].nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const system = await waitFor('the claim to be bound', 30_000, async () => {
      const [found] = await c.json(['status', up.sid]);
      return found.claims[0]?.phase === 'Bound' ? found : undefined;
    });
    expect(system.claims).toEqual([{ name: 'shop-data', phase: 'Bound', capacity: '1Gi', storageClass: 'standard' }]);
    expect((await c.tychoc(['status', up.sid])).stdout).toMatch(/\nCLAIM +STATUS +CAPACITY +STORAGECLASS\nshop-data +Bound +1Gi +standard\n$/);
    expect(system.username).toBe('Jane-Doe-01332c8765');
    expect(system.services.find((s: any) => s.name === 'web').ports).toEqual([{ port: 80, protocol: 'TCP', nodePort }]);
    expect((await c.tychoc(['status', up.sid])).stdout).toMatch(new RegExp(`\\nweb +Deployment +[01]/1 .* 80:${nodePort}/TCP `));

    // A user's object in the system's namespace keeps the namespace from being deleted.
    await c.api.create(`/api/v1/namespaces/${up.namespace}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine' } });
    const down = await c.tychoc(['down', up.sid, '--volumes']);
    expect(down.stdout).toBe(`system ${up.sid}: deleted 9 object(s); kept namespace ${up.namespace}, which still holds configmap/mine\n`);
    expect((await c.api.get(`/api/v1/namespaces/${up.namespace}/configmaps/mine`)).metadata.name).toBe('mine');
  });

  it('--dry-run=server validates on the server and creates nothing', async () => {
    const before = await list(c.api, '/api/v1/namespaces');
    const run = await c.json(['up', '--namespace-per-system', '--dry-run=server'], project);
    expect(run).toMatchObject({ action: 'validated', dryRun: true });
    expect(run.objects.every((o: any) => o.outcome === 'created')).toBe(true);
    await createNamespace(c.api, 'dry');
    const inNamespace = await c.tychoc(['up', '-n', 'dry', '--dry-run=server'], project);
    expect(inNamespace.stderr).toContain('deployment.apps/web created (server dry run)');
    expect(await list(c.api, '/api/v1/namespaces')).toHaveLength(before.length + 1);
    expect(await list(c.api, '/apis/apps/v1/namespaces/dry/deployments')).toEqual([]);
    expect(await list(c.api, '/api/v1/namespaces/dry/configmaps?labelSelector=executor%3Dtycho')).toEqual([]);
  });

  it('down --volumes after a plain down deletes the claims it kept, and only those', async () => {
    await createNamespace(c.api, 'keep');
    const up = await c.json(['up', '-n', 'keep'], project);
    expect((await c.tychoc(['down', up.sid])).stdout).toBe(`system ${up.sid}: deleted 8 object(s); kept persistentvolumeclaim/shop-data (--volumes deletes them)\n`);
    expect((await c.tychoc(['down', up.sid])).stdout).toBe(`system ${up.sid}: deleted 0 object(s); kept persistentvolumeclaim/shop-data (--volumes deletes them)\n`);
    expect(await c.tychoc(['down', up.sid, '--volumes'])).toMatchObject({ code: 0, stdout: `system ${up.sid}: deleted 1 object(s)\n` });
    expect(await list(c.api, '/api/v1/namespaces/keep/persistentvolumeclaims')).toEqual([]);
    expect(await c.tychoc(['down', up.sid, '--volumes'])).toMatchObject({ code: 7, stderr: `tychoc: no system with id ${up.sid}\n` });
  });
});
