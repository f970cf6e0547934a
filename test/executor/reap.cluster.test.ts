import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, tokenFile, TychoClient } from '../../src/api/index.js';
import { connect } from '../../src/executor/kubeconfig.js';
import type { Kube } from '../../src/executor/systems.js';
import { waitFor } from '../cluster/processes.js';
import { createNamespace, list, useCluster } from './cluster-fixture.js';

/**
 * Reaping on a harness cluster: systems started with `tychoc up` (and through tychoc serve),
 * made idle by backdating their parents' `tychoc.io/last-active`, reaped by the flags' limits, the
 * registry's, and the server's timer; two reapers at once; other tools' objects left alone.
 */
const c = useCluster();
const root = mkdtempSync(join(tmpdir(), 'tychoc-reap-'));
const TOKENS = { alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef0' };
const HOUR = 3_600_000;
const sids: Record<string, string> = {};
let kube: Kube;

/** `tychoc up` of a project named `name` with one service of the same name (systems share a namespace), in its directory under `root`; its sid. */
async function up(name: string, args: string[]): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'compose.yaml'), `name: ${name}\nservices:\n  ${name}:\n    image: nginx:1.27\n`);
  return (await c.json(['up', ...args], dir)).sid;
}

const parentOf = async (sid: string): Promise<any> => (await list(c.api, `/api/v1/configmaps?labelSelector=${encodeURIComponent(`tycho-guid=${sid},applyset.kubernetes.io/id`)}`))[0];
const present = async (sid: string) => (await list(c.api, `/apis/apps/v1/deployments?labelSelector=tycho-guid%3D${sid}`)).length > 0 && (await parentOf(sid)) !== undefined;

/** Marks a system last active `hours` ago, as a platform that lost its user would have left it. */
async function backdate(sid: string, hours: number): Promise<void> {
  const parent = await parentOf(sid);
  const res = await c.api.request('PATCH', `/api/v1/namespaces/${parent.metadata.namespace}/configmaps/${parent.metadata.name}`, {
    metadata: { annotations: { 'tychoc.io/last-active': new Date(Date.now() - hours * HOUR).toISOString() } },
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  kube = await connect({ kubeconfig: c.cluster.kubeconfig, env: {}, cwd: tmpdir(), requestTimeoutMs: 30_000 });
  await createNamespace(c.api, 'reap');
  await createNamespace(c.api, 'apps');
  for (const name of ['old', 'idle', 'fresh']) sids[name] = await up(name, ['-n', 'reap']);
  // Not tychoc's: a ConfigMap of its own, and a parent that another tool wrote with tychoc's labels.
  await c.api.create('/api/v1/namespaces/reap/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander' }, data: { a: 'b' } });
  await c.api.create('/api/v1/namespaces/reap/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'applyset-other', labels: { executor: 'tycho', 'tycho-guid': 'othertool0001', 'app-name': 'other', 'applyset.kubernetes.io/id': 'applyset-other-v1' }, annotations: { 'applyset.kubernetes.io/tooling': 'kubectl/v1.31', 'tychoc.io/last-active': '2000-01-01T00:00:00Z' } },
  });
}, 120_000);
afterAll(() => kube?.client.close());

describe('tychoc touch', () => {
  it('marks a system active now, on its ApplySet parent', async () => {
    const before = Date.now() - 1000;
    const run = await c.tychoc(['touch', sids['fresh']!, '-o', 'json']);
    expect(run.stderr).toBe('');
    const touched = JSON.parse(run.stdout);
    expect(touched).toEqual({ sid: sids['fresh'], namespace: 'reap', lastActive: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(Date.parse(touched.lastActive)).toBeGreaterThanOrEqual(before);
    expect((await parentOf(sids['fresh']!)).metadata.annotations['tychoc.io/last-active']).toBe(touched.lastActive);
    // By project name too, as the other commands take it.
    expect((await c.tychoc(['touch', 'fresh'])).stdout).toMatch(new RegExp(`^system ${sids['fresh']}: active at \\S+Z\\n$`));
    expect(await c.tychoc(['touch', '0123456789ab'])).toMatchObject({ code: 7 });
  });
});

describe('tychoc reap', () => {
  it('with --dry-run lists the idle system and why, and deletes nothing', async () => {
    await backdate(sids['idle']!, 2);
    const run = await c.tychoc(['reap', '--idle', '1h', '--dry-run', '-n', 'reap']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^SID +APP +NAMESPACE +USER +REASON +AGE +IDLE +LIMIT +RESULT\\n${sids['idle']} +idle +reap +- +idle +\\d+s +2h +1h +would delete\\n$`));
    expect(await present(sids['idle']!)).toBe(true);
  });

  it('deletes the systems idle past the limit, and only those', async () => {
    const run = await c.tychoc(['reap', '--idle', '1h', '-n', 'reap', '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [reaped, ...more] = JSON.parse(run.stdout);
    expect(more).toEqual([]);
    expect(reaped).toMatchObject({ sid: sids['idle'], app: 'idle', namespace: 'reap', reason: 'idle', limitSeconds: 3600, result: 'deleted', deleted: expect.arrayContaining(['deployment.apps/idle']) });
    expect(reaped.idleSeconds).toBeGreaterThanOrEqual(7200);
    expect(await present(sids['idle']!)).toBe(false);
    expect(await present(sids['old']!)).toBe(true);
    expect(await present(sids['fresh']!)).toBe(true);
    expect((await c.tychoc(['reap', '--idle', '1h', '-n', 'reap'])).stdout).toBe('nothing to reap\n');
  });

  it('takes each app\'s limits from the registry, by the app-name label', async () => {
    writeFileSync(join(root, 'apps.yaml'), 'contexts:\n  main:\n    apps:\n      fresh: {compose: {path: fresh/compose.yaml}, idle: 1h}\n      old: {compose: {path: old/compose.yaml}}\n');
    await backdate(sids['fresh']!, 3);
    await backdate(sids['old']!, 3);
    const run = await c.tychoc(['reap', '--registry', 'apps.yaml', '-o', 'json'], root);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ sid: sids['fresh'], reason: 'idle', limitSeconds: 3600, result: 'deleted' })]);
    expect(await present(sids['fresh']!)).toBe(false);
    // Its app has no limits, and none were given.
    expect(await present(sids['old']!)).toBe(true);
    await c.tychoc(['touch', sids['old']!]);
  });
});

describe('tychoc serve --reap-every', () => {
  let server: FastifyInstance;
  let url = '';
  const call = async (who: keyof typeof TOKENS, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TOKENS[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    const tokens = join(root, 'tokens.yaml');
    writeFileSync(tokens, `- {token: ${TOKENS.alice}, username: alice, role: user}\n- {token: ${TOKENS.bob}, username: bob, role: user}\n`);
    server = await buildServer({ kube, authenticate: tokenFile(tokens), namespace: 'apps', version: '0.0.0-test', downTimeoutMs: 60_000, reap: { everyMs: 1000, limits: { idleMs: HOUR } } });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server?.close());

  it('marks a system active for its user only (POST /systems/{sid}/touch)', async () => {
    const started = await call('bob', 'POST', '/systems', { system: { name: 'lab', services: { web: { image: 'nginx:1.27' } } } });
    expect(started.status).toBe(201);
    sids['lab'] = started.json.result.sid;
    expect(await call('alice', 'POST', `/systems/${sids['lab']}/touch`)).toMatchObject({ status: 404, json: { message: `no system ${sids['lab']}` } });
    const touched = await call('bob', 'POST', `/systems/${sids['lab']}/touch`);
    expect(touched).toMatchObject({ status: 200, json: { status: 'success', result: { sid: sids['lab'], namespace: 'apps', last_active: expect.any(String) } } });
    expect((await parentOf(sids['lab']!)).metadata.annotations['tychoc.io/last-active']).toBe(touched.json.result.last_active);
    expect(await new TychoClient(url, TOKENS.bob).touch(sids['lab']!)).toMatchObject({ sid: sids['lab'] });
  });

  it('reaps a system once it has been idle too long, and leaves the active ones', async () => {
    await backdate(sids['lab']!, 2);
    await waitFor('the idle system to be reaped', 60_000, async () => ((await present(sids['lab']!)) ? undefined : true));
    expect(await present(sids['old']!)).toBe(true);
  });

  it('stops with the server', async () => {
    await server.close();
    sids['later'] = await up('later', ['-n', 'reap']);
    await backdate(sids['later']!, 2);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await present(sids['later']!)).toBe(true);
  });
});

describe('two reapers at once', () => {
  it('both succeed; every tychoc system goes, and nothing else', async () => {
    for (const n of [1, 2]) sids[`own${n}`] = await up('own', ['--namespace-per-system']);
    await new Promise((r) => setTimeout(r, 1500));
    const runs = await Promise.all([1, 2].map(() => c.tychoc(['reap', '--max-age', '1s', '-o', 'json'])));
    for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
    const results = runs.flatMap((r) => JSON.parse(r.stdout) as { sid: string; result: string; reason: string }[]);
    const left = ['old', 'later', 'own1', 'own2'].map((k) => sids[k]!);
    for (const sid of left) {
      const of = results.filter((r) => r.sid === sid).map((r) => r.result);
      expect(of, sid).toContain('deleted');
      expect(of.every((r) => r === 'deleted' || r === 'gone'), `${sid}: ${of}`).toBe(true);
    }
    expect(results.every((r) => r.reason === 'age')).toBe(true);
    for (const sid of left) expect(await present(sid)).toBe(false);
    expect(await list(c.api, '/api/v1/configmaps?labelSelector=executor%3Dtycho')).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'applyset-other' }) })]);
    expect((await c.api.get('/api/v1/namespaces/reap/configmaps/bystander')).data).toEqual({ a: 'b' });
    // Their own namespaces went with them.
    for (const n of [1, 2]) expect((await c.api.request('GET', `/api/v1/namespaces/own-${sids[`own${n}`]}`)).status).toBe(404);
  });
});
