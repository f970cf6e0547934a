import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { locateBinaries } from '../cluster/binaries.js';
import { composeProject, createNamespace, useCluster } from './cluster-fixture.js';

const c = useCluster({ nodes: 1 });

const COMPOSE = `
name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    secrets: [token]
  cache:
    image: redis:7
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data:
secrets:
  token:
    file: ./token.txt
`;

const project = composeProject(COMPOSE, { 'token.txt': 'one\n' });
const compose = (text: string) => writeFileSync(join(project, 'compose.yaml'), text);

/** The lines a diff adds and removes, without its headers. */
const changes = (diff: string) => diff.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));

/** `kubectl diff --server-side` of the manifests tychoc compiles for the system, as another field manager. */
async function kubectlDiff(sid: string): Promise<{ code: number; stdout: string }> {
  const file = join(project, 'manifests.yaml');
  const compiled = await c.tychoc(['compile', '--sid', sid, '-n', 'shop'], project);
  writeFileSync(file, compiled.stdout);
  const { kubectl } = await locateBinaries();
  const env = { ...process.env, KUBECONFIG: c.cluster.kubeconfig, KUBECTL_EXTERNAL_DIFF: '' };
  try {
    const { stdout } = await promisify(execFile)(kubectl, ['diff', '--server-side', '--force-conflicts', '--field-manager=kubectl-diff', '-f', file], { env });
    return { code: 0, stdout };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    if (code !== 1) throw new Error(`kubectl diff exited ${code}: ${stderr}`);
    return { code, stdout };
  }
}

describe('tychoc diff', () => {
  let sid = '';

  it('shows every object as created before the project has a system there', async () => {
    await createNamespace(c.api, 'shop');
    const run = await c.tychoc(['diff', '-n', 'shop'], project);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tychoc: project shop has no system in namespace shop: every object would be created\n');
    expect(run.stdout.match(/^diff -u -N .*$/gm)).toEqual([
      'diff -u -N live/v1.Secret.shop.shop-token merged/v1.Secret.shop.shop-token',
      'diff -u -N live/v1.PersistentVolumeClaim.shop.shop-data merged/v1.PersistentVolumeClaim.shop.shop-data',
      'diff -u -N live/v1.Service.shop.cache merged/v1.Service.shop.cache',
      'diff -u -N live/v1.Service.shop.db merged/v1.Service.shop.db',
      'diff -u -N live/v1.Service.shop.web merged/v1.Service.shop.web',
      'diff -u -N live/apps.v1.Deployment.shop.cache merged/apps.v1.Deployment.shop.cache',
      'diff -u -N live/apps.v1.Deployment.shop.db merged/apps.v1.Deployment.shop.db',
      'diff -u -N live/apps.v1.Deployment.shop.web merged/apps.v1.Deployment.shop.web',
    ]);
    expect(run.stdout).toMatch(/^@@ -0,0 \+1,\d+ @@$/m);
    // The secret's value is masked, as kubectl diff masks it.
    expect(run.stdout).toContain("\n+  token.txt: '***'\n");
    expect(run.stdout).not.toContain(Buffer.from('one\n').toString('base64'));
  });

  it('finds no differences right after up, and exits 0', async () => {
    sid = (await c.json(['up', '-n', 'shop'], project)).sid;
    const run = await c.tychoc(['diff', '-n', 'shop'], project);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    const json = await c.tychoc(['diff', '-n', 'shop', '-o', 'json'], project);
    expect(JSON.parse(json.stdout)).toEqual({ sid, namespace: 'shop', objects: [] });
    expect((await kubectlDiff(sid)).code).toBe(0);
  });

  it('shows a changed compose file as changes, and removed services as deletions, exit 1', async () => {
    compose(COMPOSE.replace('nginx:1.27', 'nginx:1.28').replace(/ {2}cache:\n.*\n/, ''));
    writeFileSync(join(project, 'token.txt'), 'two\n');
    const run = await c.tychoc(['diff', '-n', 'shop'], project);
    expect(run.code).toBe(1);
    const json = JSON.parse((await c.tychoc(['diff', '-n', 'shop', '-o', 'json'], project)).stdout);
    expect(json.objects.map((o: { ref: string; change: string }) => [o.ref, o.change])).toEqual([
      ['secret/shop-token', 'update'],
      ['deployment.apps/web', 'update'],
      ['deployment.apps/cache', 'delete'],
      ['service/cache', 'delete'],
    ]);
    const web = json.objects.find((o: { ref: string }) => o.ref === 'deployment.apps/web').diff;
    // The pods' files hash moves with the secret; the image is the change the compose file made.
    expect(changes(web).filter((l) => !l.includes('tychoc/files-sha256'))).toEqual(['-      - image: nginx:1.27', '+      - image: nginx:1.28']);
    const secret = json.objects.find((o: { ref: string }) => o.ref === 'secret/shop-token').diff;
    expect(changes(secret)).toEqual(["-  token.txt: '*** (before)'", "+  token.txt: '*** (after)'"]);
    const deleted = json.objects.find((o: { ref: string }) => o.ref === 'deployment.apps/cache').diff;
    expect(changes(deleted).every((l) => l.startsWith('-'))).toBe(true);
    expect(deleted).toMatch(/^@@ -1,\d+ \+0,0 @@$/m);
    // kubectl diff of the same manifests changes the same lines (it shows generation too, and prunes nothing).
    const kubectl = await kubectlDiff(sid);
    expect(kubectl.code).toBe(1);
    const ours = json.objects.filter((o: { change: string }) => o.change === 'update').flatMap((o: { diff: string }) => changes(o.diff));
    expect(changes(kubectl.stdout).filter((l) => !/^[-+] {2}generation: /.test(l)).sort()).toEqual(ours.sort());
    // Nothing was changed by looking.
    expect((await c.api.get('/apis/apps/v1/namespaces/shop/deployments/web')).spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect((await c.api.get('/apis/apps/v1/namespaces/shop/deployments/cache')).metadata.name).toBe('cache');
  });

  it('shows what someone changed on the live object as what deploying would set back', async () => {
    compose(COMPOSE);
    writeFileSync(join(project, 'token.txt'), 'one\n');
    expect((await c.tychoc(['diff', '-n', 'shop'], project)).code).toBe(0);
    const edited = await c.api.request('PATCH', '/apis/apps/v1/namespaces/shop/deployments/db?fieldManager=kubectl-edit', {
      spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres:17' }] } } },
    }, { contentType: 'application/strategic-merge-patch+json' });
    expect(edited.status).toBe(200);
    const run = await c.tychoc(['diff', '-n', 'shop', '--sid', sid], project);
    expect(run.code).toBe(1);
    expect(run.stdout.match(/^diff -u -N .*$/gm)).toEqual(['diff -u -N live/apps.v1.Deployment.shop.db merged/apps.v1.Deployment.shop.db']);
    expect(changes(run.stdout)).toEqual(['-      - image: postgres:17', '+      - image: postgres:16']);
    const kubectl = await kubectlDiff(sid);
    expect(changes(kubectl.stdout).filter((l) => !/^[-+] {2}generation: /.test(l))).toEqual(changes(run.stdout));
  });

  it('shows a volume dropped from the compose file as its claim released: the system labels go, the data stays', async () => {
    compose(COMPOSE.replace('    volumes: [data:/var/lib/postgresql/data]\n', '').replace('volumes:\n  data:\n', ''));
    const json = JSON.parse((await c.tychoc(['diff', '-n', 'shop', '-o', 'json'], project)).stdout);
    expect(json.objects.map((o: { ref: string; change: string }) => [o.ref, o.change])).toEqual([
      ['deployment.apps/db', 'update'],
      ['persistentvolumeclaim/shop-data', 'release'],
    ]);
    const claim = json.objects[1].diff;
    expect(changes(claim)).toEqual([
      expect.stringMatching(/^- {4}applyset\.kubernetes\.io\/part-of: applyset-/),
      `-    name: shop-${sid}`,
      `-    tycho-guid: ${sid}`,
      `+    tychoc/released-from: ${sid}`,
    ]);
    compose(COMPOSE);
  });

  it('plans shard counts left to a plan on the cluster\'s nodes, as up does', async () => {
    const sharded = composeProject('name: search\nservices:\n  index:\n    image: example/index:1\n    x-tycho:\n      shards: {count: auto, granularity: node}\n');
    await createNamespace(c.api, 'search');
    expect((await c.tychoc(['up', '-n', 'search', '-q'], sharded)).code).toBe(0);
    const run = await c.tychoc(['diff', '-n', 'search'], sharded);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits above 1 on errors: 2 for a compose file with errors, 7 for a system that does not exist', async () => {
    compose(COMPOSE.replace('image: redis:7', 'imagez: redis:7'));
    const broken = await c.tychoc(['diff', '-n', 'shop'], project);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^compose\.yaml:\d+:5 error TYC0301 unknown key `imagez`/);
    compose(COMPOSE);
    const missing = await c.tychoc(['diff', '--sid', '000000000000'], project);
    expect(missing).toMatchObject({ code: 7, stdout: '', stderr: 'tychoc: no system with id 000000000000 (see tychoc status)\n' });
  });
});
