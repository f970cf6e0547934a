import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applySetId } from '../../src/executor/applyset.js';
import { locateBinaries } from '../cluster/binaries.js';
import { waitFor } from '../cluster/processes.js';
import { composeProject, createNamespace, list, SHOP, useCluster } from './cluster-fixture.js';

const c = useCluster();
const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;

/** Every object of a system (by id) in a namespace, by kind/name, with its resourceVersion. */
async function versions(namespace: string, sid: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of ['/api/v1/namespaces/NS/configmaps', '/api/v1/namespaces/NS/services', '/api/v1/namespaces/NS/persistentvolumeclaims', '/apis/apps/v1/namespaces/NS/deployments', '/apis/batch/v1/namespaces/NS/jobs']) {
    for (const o of await list(c.api, `${path.replace('NS', namespace)}?labelSelector=tycho-guid%3D${sid}`)) out[`${path.split('/').pop()}/${o.metadata.name}`] = o.metadata.resourceVersion;
  }
  return out;
}

describe('tychoc apply', () => {
  const out = mkdtempSync(join(tmpdir(), 'tychoc-compiled-'));
  let sid = '';

  it('applies the directory `tychoc compile -o` writes, and prints the system', async () => {
    expect((await c.tychoc(['compile', '-o', out, '-q'], composeProject(SHOP))).code).toBe(0);
    await createNamespace(c.api, 'apps');
    const run = await c.tychoc(['apply', out, '-n', 'apps', '--wait']);
    expect(run.code).toBe(0);
    sid = /\(sid ([0-9a-f]{12})\)/.exec(run.stdout)![1]!;
    expect(run.stdout).toBe(
      `system shop-${sid} created in namespace apps (sid ${sid})\n` +
        'SERVICE  KIND        REPLICAS  PORTS\n' +
        'db       Deployment  1         5432/TCP\n' +
        'migrate  Job         -         -\n' +
        'web      Deployment  1         80/TCP\n',
    );
    expect(run.stderr).toContain('deployment.apps/web created\n');
    const parent = await c.api.get(`/api/v1/namespaces/apps/configmaps/applyset-shop-${sid}`);
    expect(parent.metadata.labels['applyset.kubernetes.io/id']).toBe(applySetId(`applyset-shop-${sid}`, 'apps'));
    expect(parent.metadata.annotations).toMatchObject({
      'applyset.kubernetes.io/tooling': 'tychoc/0.0.0-test',
      'applyset.kubernetes.io/contains-group-kinds': 'Deployment.apps,Job.batch,PersistentVolumeClaim,Service',
    });
    const web = await c.api.get('/apis/apps/v1/namespaces/apps/deployments/web');
    expect(web.metadata.labels['applyset.kubernetes.io/part-of']).toBe(parent.metadata.labels['applyset.kubernetes.io/id']);
    expect(web.metadata.labels['tycho-guid']).toBe(sid);
  });

  it('applying the same input again changes nothing: every resourceVersion stays', async () => {
    // Controllers keep writing status for a moment after a rollout; compare once they are done.
    const before = await waitFor('a settled system', 30_000, async () => {
      const first = await versions('apps', sid);
      await new Promise((r) => setTimeout(r, 1000));
      return JSON.stringify(await versions('apps', sid)) === JSON.stringify(first) ? first : undefined;
    });
    expect(Object.keys(before)).toHaveLength(8);
    const again = await c.json(['apply', out, '-n', 'apps']);
    expect(again).toMatchObject({ sid, action: 'updated', pruned: [] });
    expect(again.objects.map((o: any) => o.outcome)).toEqual(again.objects.map(() => 'unchanged'));
    expect(await versions('apps', sid)).toEqual(before);
  });

  it('prunes what was removed from the input, and only that', async () => {
    for (const f of ['web-deployment.yaml', 'web-service.yaml', 'migrate-job.yaml']) rmSync(join(out, f));
    const run = await c.tychoc(['apply', out, '-n', 'apps']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('deployment.apps/web pruned\n');
    expect(run.stderr).toContain('service/web pruned\n');
    expect(run.stderr).toContain('job.batch/migrate pruned\n');
    expect(await c.api.request('GET', '/apis/apps/v1/namespaces/apps/deployments/web').then((r) => r.status)).toBe(404);
    expect(await c.api.request('GET', '/apis/batch/v1/namespaces/apps/jobs/migrate').then((r) => r.status)).toBe(404);
    expect((await c.api.get('/apis/apps/v1/namespaces/apps/deployments/db')).metadata.labels['tycho-guid']).toBe(sid);
    const parent = await c.api.get(`/api/v1/namespaces/apps/configmaps/applyset-shop-${sid}`);
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toBe('Deployment.apps,PersistentVolumeClaim,Service');
  });

  it('up --sid prunes services removed from the compose file', async () => {
    const dir = composeProject(SHOP);
    const { sid: upSid } = await c.json(['up', '--namespace-per-system'], dir);
    writeFileSync(join(dir, 'compose.yaml'), SHOP.replace(/ {2}migrate:\n(?: {4}.*\n)+/, ''));
    const run = await c.json(['up', '--sid', upSid], dir);
    expect(run.pruned).toEqual(['job.batch/migrate', 'service/migrate']);
    expect(await list(c.api, `/apis/batch/v1/namespaces/shop-${upSid}/jobs`)).toEqual([]);
  });

  it('is an ApplySet kubectl recognises: the same id, and it will not take over tychoc\'s set', async () => {
    const { kubectl } = await locateBinaries();
    const env = { ...process.env, KUBECONFIG: c.cluster.kubeconfig, KUBECTL_APPLYSET: 'true' };
    const file = join(out, 'db-service.yaml');
    const run = (...args: string[]) => promisify(execFile)(kubectl, ['apply', '--server-side', '--prune', '-n', 'apps', '-f', file, ...args], { env });
    await createNamespace(c.api, 'kubectl-set');
    await promisify(execFile)(kubectl, ['apply', '--server-side', '--prune', '-n', 'kubectl-set', '-f', file, '--applyset=configmaps/theirs'], { env });
    const theirs = await c.api.get('/api/v1/namespaces/kubectl-set/configmaps/theirs');
    expect(theirs.metadata.labels['applyset.kubernetes.io/id']).toBe(applySetId('theirs', 'kubectl-set'));
    await expect(run(`--applyset=configmaps/applyset-shop-${sid}`)).rejects.toThrow(/already exists and is managed by tooling "tychoc" instead of "kubectl"/);
  });

  it('rolls back what a failed attempt created: a misspelled field comes back as the server\'s error', async () => {
    await createNamespace(c.api, 'broken');
    const stream = join(mkdtempSync(join(tmpdir(), 'tychoc-stream-')), 'broken.yaml');
    const typo = readFileSync(join(out, 'db-deployment.yaml'), 'utf8').replace(/^ {2}replicas:/m, '  replicass:');
    expect(typo).toContain('replicass');
    writeFileSync(stream, [readFileSync(join(out, 'db-service.yaml'), 'utf8'), typo].join('---\n'));
    const run = await c.tychoc(['apply', stream, '-n', 'broken']);
    expect(run.code).toBe(6);
    expect(run.stderr).toBe(
      'service/db created\n' +
        'tychoc: applying deployment.apps/db failed: failed to create typed patch object (broken/db; apps/v1, Kind=Deployment): ' +
        '.spec.replicass: field not declared in schema; removed the 2 object(s) this attempt created\n',
    );
    expect(await list(c.api, '/api/v1/namespaces/broken/services')).toEqual([]);
    expect(await list(c.api, '/api/v1/namespaces/broken/configmaps?labelSelector=executor%3Dtycho')).toEqual([]);

    const kept = await c.tychoc(['apply', stream, '-n', 'broken', '--keep-partial', '-q']);
    expect(kept.code).toBe(6);
    expect(kept.stderr).toMatch(/field not declared in schema; left in place: configmap\/applyset-shop-[0-9a-f]{12}, service\/db \(tychoc down [0-9a-f]{12} removes them\)\n$/);
    expect(await list(c.api, '/api/v1/namespaces/broken/services')).toHaveLength(1);
  });

  it('a failed update goes back to the last revision: what it changed is restored, what it created removed', async () => {
    await createNamespace(c.api, 'atomic');
    const compiled = mkdtempSync(join(tmpdir(), 'tychoc-compiled-'));
    expect((await c.tychoc(['compile', '-o', compiled, '-q'], composeProject(SHOP))).code).toBe(0);
    const first = await c.json(['apply', compiled, '-n', 'atomic']);
    // The provisioner binds the claim a moment later; bound before the next attempt, no change of
    // the controller's is taken for one of the attempt's.
    await waitFor('the claim to be bound', 30_000, async () => ((await c.api.get('/api/v1/namespaces/atomic/persistentvolumeclaims/shop-data')).status?.phase === 'Bound' ? true : undefined));
    const before = await c.api.get('/apis/apps/v1/namespaces/atomic/deployments/web');
    const revision = await c.api.get(`/api/v1/namespaces/atomic/secrets/applyset-shop-${first.sid}-revision`);
    expect(revision.metadata.labels['tycho-guid']).toBe(first.sid);

    // The web Deployment changes (applied first), a new ConfigMap is added, and the Job, applied
    // after the Deployments, has a field the server refuses.
    const edited = join(mkdtempSync(join(tmpdir(), 'tychoc-edit-')), 'edited');
    cpSync(compiled, edited, { recursive: true });
    writeFileSync(join(edited, 'web-deployment.yaml'), readFileSync(join(compiled, 'web-deployment.yaml'), 'utf8').replace('image: nginx:1.27', 'image: nginx:1.28'));
    writeFileSync(join(edited, 'extra-configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  labels:\n    app.kubernetes.io/part-of: shop\ndata:\n  a: "1"\n');
    writeFileSync(join(edited, 'migrate-job.yaml'), readFileSync(join(compiled, 'migrate-job.yaml'), 'utf8').replace(/^ {2}backoffLimit:/m, '  backoffLimitt:'));
    const run = await c.tychoc(['apply', edited, '-n', 'atomic', '-q']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /^tychoc: applying job\.batch\/migrate failed: .*\.spec\.backoffLimitt: field not declared in schema; restored the 1 object\(s\) this attempt changed \(deployment\.apps\/web\); removed the 1 object\(s\) this attempt created\n$/,
    );
    const after = await c.api.get('/apis/apps/v1/namespaces/atomic/deployments/web');
    expect(after.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(after.spec.template).toEqual(before.spec.template);
    expect(await c.api.request('GET', '/api/v1/namespaces/atomic/configmaps/extra').then((r) => r.status)).toBe(404);
  });

  it('reads standard input with `-`, in the built binary', () => {
    const stream = ['db-service.yaml', 'db-deployment.yaml'].map((f) => readFileSync(join(out, f), 'utf8')).join('---\n');
    const run = spawnSync(process.execPath, [bin, 'apply', '-', '-n', 'default', '-p', 'piped', '-o', 'json'], {
      input: stream,
      env: { PATH: process.env.PATH, KUBECONFIG: c.cluster.kubeconfig },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('service/db created\ndeployment.apps/db created\n');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ app: 'piped', namespace: 'default', action: 'created' });
  });

  it('shows --wait progress as one rewritten line on a terminal', async () => {
    const project = composeProject(SHOP.replace('name: shop', 'name: tty'));
    const command = [process.execPath, bin, 'up', '--namespace-per-system', '--wait'].map((a) => `'${a}'`).join(' ');
    // Not spawnSync: the harness's volume provisioner runs in this process and must keep running.
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
      cwd: project,
      env: { PATH: process.env.PATH, KUBECONFIG: c.cluster.kubeconfig, TERM: 'xterm' },
      timeout: 60_000,
    });
    // The claim takes the provisioner a moment, so the first poll always finds db waiting.
    expect(stdout).toMatch(/\r\x1b\[Kwaiting: deployment\.apps\/db 0\/1 available/);
    expect(stdout).toMatch(/\r\x1b\[Krolled out in \d+\.\ds\r\nsystem tty-[0-9a-f]{12} created/);
    expect(stdout).not.toContain('deployment.apps/db: 0/1 available');
  });

  it('says what is wrong with the input before contacting the cluster', async () => {
    const missing = await c.tychoc(['apply', join(out, 'nothing-here')]);
    expect(missing).toMatchObject({ code: 1, stderr: `tychoc: cannot read ${join(out, 'nothing-here')}: no such file or directory\n` });
    const bad = join(out, 'bad.yaml');
    writeFileSync(bad, 'kind: ConfigMap\n');
    expect(await c.tychoc(['apply', bad])).toMatchObject({ code: 1, stderr: `tychoc: ${bad}: every object needs apiVersion, kind and metadata.name\n` });
    rmSync(bad);
    const unnamed = join(mkdtempSync(join(tmpdir(), 'tychoc-stream-')), 'x.yaml');
    writeFileSync(unnamed, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect((await c.tychoc(['apply', unnamed])).code).toBe(2);
  });
});
