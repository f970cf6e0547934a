import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, tokenFile } from '../../src/api/index.js';
import { connect } from '../../src/executor/kubeconfig.js';
import type { Kube } from '../../src/executor/systems.js';
import { createNamespace, list, useCluster } from '../executor/cluster-fixture.js';
import { waitFor } from '../cluster/processes.js';
import { runCli } from '../run-cli.js';

/**
 * Apps of the sample registry (fixtures/registry) launched for users on a harness cluster: from
 * the command line and through tychoc serve, each user seeing and stopping only their own, and
 * instance limits holding under concurrent launches.
 */
const c = useCluster();
const registry = new URL('../../fixtures/registry/apps.yaml', import.meta.url).pathname;
const TOKENS = { admin: 'admin-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef0' };
let kube: Kube;
let server: FastifyInstance;
let url = '';
const cwd = mkdtempSync(join(tmpdir(), 'tychoc-launch-'));
const cli = (args: string[]) => runCli(args, cwd, { KUBECONFIG: c.cluster.kubeconfig, TYCHOC_REGISTRY: registry });
const systemsOf = async (user: string) => (await list(c.api, '/apis/apps/v1/deployments?labelSelector=app-name%3Dnotebook')).filter((d) => d.metadata.labels.username === user);

beforeAll(async () => {
  kube = await connect({ kubeconfig: c.cluster.kubeconfig, env: {}, cwd: tmpdir(), requestTimeoutMs: 30_000 });
  await createNamespace(c.api, 'apps');
  // The users' homes: one claim, bound again in each launched system's namespace.
  await c.api.create('/api/v1/namespaces/apps/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'homes' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } } } });
  await waitFor('the homes claim to be bound', 30_000, async () => ((await c.api.get('/api/v1/namespaces/apps/persistentvolumeclaims/homes')).status?.phase === 'Bound' ? true : undefined));
  const tokens = join(cwd, 'tokens.yaml');
  writeFileSync(tokens, `- {token: ${TOKENS.admin}, username: platform, role: admin}\n- {token: ${TOKENS.bob}, username: bob, role: user}\n`);
  server = await buildServer({ kube, authenticate: tokenFile(tokens), namespace: 'apps', version: '0.0.0-test', registry: { source: registry, cwd, env: {} } });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await server?.close();
  kube?.client.close();
});

async function call(who: keyof typeof TOKENS, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TOKENS[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: await res.json() };
}

describe('tychoc apps and launch', () => {
  it('lists the apps of the first context, and shows one with every layer merged', async () => {
    const listed = await cli(['apps', 'list']);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(/^APP +NAME +INSTANCES +MAX CPU +MAX MEMORY +MAX GPUS\nnotebook +Notebook +1 +2 +4Gi +0\nshop +Shop +3 +2 +4Gi +0\n$/);
    const shown = await cli(['apps', 'show', 'notebook', '--app-context', 'research']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'notebook', context: 'research', resources: { defaults: { cpu: '1', memory: '1Gi' }, max: { cpu: '4', memory: '8Gi' } }, instances: 1 });
    expect(await cli(['apps', 'show', 'nope'])).toMatchObject({ code: 1, stderr: 'tychoc: no app nope in context common (apps: notebook, shop)\n' });
  });

  it('launches for each user what they ask, within the app\'s maximums and instance limit', async () => {
    const alice = await cli(['launch', 'notebook', '--user', 'alice', '--cpu', '2', '-o', 'json']);
    expect(alice.stderr).toBe('');
    expect(alice.code).toBe(0);
    const { sid } = JSON.parse(alice.stdout);
    const [deployment] = await systemsOf('alice');
    expect(deployment.metadata.labels).toMatchObject({ 'tycho-guid': sid, 'app-name': 'notebook', username: 'alice' });
    expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '1Gi' });
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'NB_PREFIX', value: `/private/notebook/alice/${sid}` });
    // The homes' volume, bound again in the system's own namespace, kept when it is released.
    const shared = await c.api.get(`/api/v1/persistentvolumes/${(await c.api.get('/api/v1/namespaces/apps/persistentvolumeclaims/homes')).spec.volumeName}`);
    const home = await c.api.get(`/api/v1/persistentvolumes/tychoc-home-${sid}`);
    expect(home.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: `notebook-${sid}`, name: 'tychoc-home' }, hostPath: shared.spec.hostPath });
    expect(home.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Namespace', name: `notebook-${sid}` })]);
    await waitFor('the home claim to be bound', 30_000, async () => ((await c.api.get(`/api/v1/namespaces/notebook-${sid}/persistentvolumeclaims/tychoc-home`)).status?.phase === 'Bound' ? true : undefined));

    expect(await cli(['launch', 'notebook', '--user', 'carol', '--cpu', '3'])).toEqual({ code: 1, stdout: '', stderr: 'tychoc: cpu 3 is more than app notebook allows (2)\n' });
    const again = await cli(['launch', 'notebook', '--user', 'alice']);
    expect(again.code).toBe(5);
    expect(again.stderr).toBe(`tychoc: alice runs 1 instance of notebook (${sid}), as many as the app allows\n`);
    expect(await systemsOf('carol')).toEqual([]);
  });

  it('holds the instance limit when one user launches several at once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => cli(['launch', 'notebook', '--user', 'dave'])));
    expect(runs.map((r) => r.code).sort()).toEqual([0, 5, 5]);
    expect(await systemsOf('dave')).toHaveLength(1);
  });

  it('shows each user their own systems, and stops them', async () => {
    const alice = await cli(['status', '--user', 'alice', '--terse']);
    expect(alice.stdout.split('\n').filter((l) => l.startsWith('notebook-'))).toHaveLength(1);
    const sid = alice.stdout.split('\n')[1]!.split(/\s+/)[1]!;
    expect((await cli(['status', '--user', 'nobody'])).stdout).toBe('no systems\n');
    // The homes' claim holds nothing of its own: it goes, and the namespace with it, without --volumes.
    expect(await cli(['stop', sid])).toEqual({ code: 0, stdout: `system ${sid}: deleted 6 object(s) and namespace notebook-${sid}\n`, stderr: '' });
    expect(await systemsOf('alice')).toEqual([]);
    // Its homes volume goes with its namespace; the homes themselves stay.
    await waitFor('the system\'s homes volume to go', 60_000, async () => ((await c.api.request('GET', `/api/v1/persistentvolumes/tychoc-home-${sid}`)).status === 404 ? true : undefined));
    expect((await c.api.get('/api/v1/namespaces/apps/persistentvolumeclaims/homes')).status.phase).toBe('Bound');
  });
});

describe('/apps over tychoc serve', () => {
  it('lists the apps without their files, and launches one for the caller', async () => {
    const apps = await call('bob', 'GET', '/apps');
    expect(apps.json.result.map((a: any) => a.id)).toEqual(['notebook', 'shop']);
    expect(apps.json.result[0]).not.toHaveProperty('compose');
    expect((await call('bob', 'GET', '/apps/nope')).status).toBe(404);
    const launched = await call('bob', 'POST', '/apps/notebook/launch', { memory: '2Gi' });
    expect(launched.status).toBe(201);
    expect(launched.json.result).toMatchObject({ app_id: 'notebook', username: 'bob', services: { notebook: { host: expect.stringMatching(/^notebook\.notebook-[0-9a-f]{12}\.svc$/) } } });
    const [deployment] = await systemsOf('bob');
    expect(deployment.spec.template.spec.containers[0].resources.limits.memory).toBe('2Gi');
    expect((await call('bob', 'POST', '/apps/notebook/launch', {})).status).toBe(409);
  });

  it('lets a user launch only as itself, and an admin for anyone with their uid', async () => {
    expect(await call('bob', 'POST', '/apps/shop/launch', { username: 'alice' })).toMatchObject({ status: 403, json: { message: 'bob may not launch for alice' } });
    expect(await call('bob', 'POST', '/apps/shop/launch', { uid: 1 })).toMatchObject({ status: 403, json: { message: 'only an admin may set the uid and gid an app runs as' } });
    expect(await call('bob', 'POST', '/apps/shop/launch', { cpu: '64' })).toMatchObject({ status: 422, json: { message: 'cpu 64 is more than app shop allows (2)' } });
    const erin = await call('admin', 'POST', '/apps/notebook/launch', { username: 'erin', uid: 2001, gid: 2001 });
    expect(erin.status).toBe(201);
    const [deployment] = await systemsOf('erin');
    const spec = deployment.spec.template.spec;
    expect(spec.containers[0].securityContext).toMatchObject({ runAsUser: 2001, runAsGroup: 2001 });
    expect(spec.initContainers.map((i: any) => i.command)).toEqual([['mkdir', '-p', '/homes/erin'], ['mkdir', '-p', '-m', '1777', '/homes/shared']]);
  });
});
