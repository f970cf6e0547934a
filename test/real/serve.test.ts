import { tmpdir } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { TychoApiError, TychoClient } from '../../src/api/client.js';
import { locateServer } from '../../src/api/locate.js';
import { packagePath } from '../../src/package-path.js';
import { connect } from '../../src/executor/kubeconfig.js';
import { nodeCtr } from '../cluster/node-agents.js';
import { waitFor } from '../cluster/processes.js';
import { buildServeImage, importServeImage } from '../cluster/serve-image.js';
import { describeOnRealNode, leftovers, useRealNode, type RealNodeFixture } from './real-node-fixture.js';

/**
 * `tychoc serve` run the way deploy/serve/ says, from its own image on the real node: callers are
 * service accounts the cluster vouches for, and the systems they start are made by the server
 * from inside the cluster, with nothing but the rights of deploy/serve/rbac.yaml.
 */
const NS = 'tychoc';
const ADMINS = 'tychoc-admins';
const PEOPLE = 'people';
const rbac = packagePath('deploy', 'serve', 'rbac.yaml');
const compose = packagePath('deploy', 'serve', 'compose.yaml');
// A non-root web server from the test images: busybox httpd on 8080, which as PID 1 ignores SIGTERM.
const HELLO = { name: 'hello', services: { web: { image: 'tychoc.test/numeric-user:1', expose: ['8080'], stop_grace_period: '1s' } } };

describeOnRealNode('tychoc serve in the cluster', () => {
  const t = useRealNode();
  const pods = (selector: string) => t.api.get(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(selector)}`).then((l) => l.items as any[]);
  const serverPods = () => pods('app.kubernetes.io/name=tychoc');
  let clients: Record<'alice' | 'bob' | 'admin', TychoClient>;
  let tokens: Record<keyof typeof clients, string>;
  let serverSid = '';
  let sid = '';

  afterAll(async () => {
    // The node goes after this file; its store of images stays, and nothing else of this file should.
    if (serverSid) await t.tychoc(['down', serverSid, '-n', NS]);
    await t.kubectl(['delete', '-f', rbac, '--ignore-not-found', '--wait=false']);
    for (const ns of [PEOPLE, ADMINS]) await t.api.delete(`/api/v1/namespaces/${ns}`, true);
  });

  it('runs from deploy/serve as a non-root server with a read-only root, two replicas ready', async () => {
    const started = Date.now();
    const image = await buildServeImage();
    await importServeImage(nodeCtr(t.node.dir), image);
    console.log(`${image.reference} built and imported in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const applied = await t.kubectl(['apply', '-f', rbac]);
    expect(applied.stderr).toBe('');
    const env = { TYCHOC_IMAGE: image.reference, TYCHOC_ADMIN_GROUP: `system:serviceaccounts:${ADMINS}` };
    const up = await t.tychoc(['up', '-f', compose, '-n', NS, '--wait', '--timeout', '150s', '-q'], tmpdir(), env);
    serverSid = JSON.parse((await t.tychoc(['status', '-n', NS, '-o', 'json'])).stdout)[0]?.sid ?? '';
    if (up.code !== 0) throw new Error(`tychoc up exited ${up.code}: ${up.stderr}\n${await describePods(t.kubectl)}`);

    const servers = await serverPods();
    expect(servers.map((p) => [p.spec.containers[0].image, p.status.containerStatuses[0].ready])).toEqual([[image.reference, true], [image.reference, true]]);
    const { securityContext } = servers[0].spec;
    expect({ ...securityContext, ...servers[0].spec.containers[0].securityContext }).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const inside = await t.exec(NS, servers[0].metadata.name, 'id -u; touch /file 2>&1; touch /tmp/file && echo tmp-writable');
    expect(inside.stdout).toBe("10001\ntouch: cannot touch '/file': Read-only file system\ntmp-writable\n");
    // Request logs and the address, and not a word from Node about what the image lacks (CA certificates).
    const logs = (await t.kubectl(['logs', '-n', NS, servers[0].metadata.name])).stdout.split('\n').filter(Boolean);
    expect(logs.filter((l) => l.startsWith('tychoc: serving on http://'))).toHaveLength(1);
    expect(logs.filter((l) => !l.startsWith('{"level":') && !l.startsWith('tychoc: serving on '))).toEqual([]);
  });

  it('knows callers by their service account tokens, and admins by the group of their namespace', async () => {
    for (const ns of [PEOPLE, ADMINS]) await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    tokens = { alice: await tokenOf(PEOPLE, 'alice'), bob: await tokenOf(PEOPLE, 'bob'), admin: await tokenOf(ADMINS, 'ops') };
    const kube = await connect({ kubeconfig: t.node.kubeconfig, env: {}, cwd: tmpdir(), requestTimeoutMs: 30_000 });
    let url: string;
    try {
      // From this machine, which is the node: the Service's cluster IP, through kube-proxy.
      url = await locateServer(kube, { namespace: NS, name: 'tychoc' }, { inCluster: false });
    } finally {
      kube.client.close();
    }
    const service = await t.api.get(`/api/v1/namespaces/${NS}/services/tychoc`);
    expect(url).toBe(`http://${service.spec.clusterIP}:7051`);
    clients = { alice: new TychoClient(url, tokens.alice), bob: new TychoClient(url, tokens.bob), admin: new TychoClient(url, tokens.admin) };

    expect(await clients.alice.status()).toEqual([]);
    // An admin sees every system in the namespace, the server's own among them.
    expect((await clients.admin.status()).map((s) => s.sid)).toEqual([serverSid]);
    const stranger = await new TychoClient(url, 'not-a-token').status().catch((e) => e);
    expect(stranger).toBeInstanceOf(TychoApiError);
    expect([stranger.status, stranger.message]).toEqual([401, 'the cluster does not accept the bearer token']);
    // Only an admin may ask for another user's systems.
    expect((await clients.bob.status({ username: `system:serviceaccount:${PEOPLE}:alice` }).catch((e) => e)).status).toBe(403);
  });

  it('starts a user\'s system, whose pods the server made run on the node', async () => {
    const view = await clients.alice.start({ system: HELLO });
    sid = view.sid;
    expect(view).toMatchObject({ app_id: 'hello', namespace: NS, services: { web: { kind: 'Deployment', host: `web.${NS}.svc`, ports: [{ port: 8080, protocol: 'TCP' }], desired: 1 } } });
    await waitFor('the system to be ready', 90_000, async () => ((await clients.alice.system(sid)).is_ready ? true : undefined));
    const [web] = await pods(`tycho-guid=${sid}`);
    expect(web.spec.nodeName).toBe(t.node.nodeName);
    // A ready pod is in the Service's endpoints a moment before kube-proxy routes to it.
    const service = await t.api.get(`/api/v1/namespaces/${NS}/services/web`);
    // An empty answer is the server still starting (seen once under CI's load): asked again.
    const page = await waitFor('the Service web to answer', 30_000, () => fetch(`http://${service.spec.clusterIP}:8080/`).then(async (r) => (await r.text()) || undefined));
    expect(page).toBe('hello from a non-root user\n');
  });

  it('shows the system to its user and to admins, not to another user', async () => {
    expect((await clients.alice.status()).map((s) => s.sid)).toEqual([sid]);
    expect(await clients.bob.status()).toEqual([]);
    expect((await clients.bob.system(sid).catch((e) => e)).status).toBe(404);
    expect((await clients.admin.status()).map((s) => s.sid).sort()).toEqual([sid, serverSid].sort());
    expect((await clients.admin.status({ username: `system:serviceaccount:${PEOPLE}:alice` })).map((s) => s.sid)).toEqual([sid]);
    expect(await clients.admin.status({ username: `system:serviceaccount:${PEOPLE}:bob` })).toEqual([]);
  });

  it('answers the same through every replica, the state being in the cluster: a change through one, seen through the other', async () => {
    const servers = await serverPods();
    expect(servers).toHaveLength(2);
    const [first, second] = servers.map((p) => new TychoClient(`http://${p.status.podIP}:7051`, tokens.alice));
    expect((await first!.status()).map((s) => s.sid)).toEqual([sid]);
    expect((await second!.status()).map((s) => s.sid)).toEqual([sid]);
    expect(await second!.modify(sid, { service: 'web', replicas: 2, labels: { tier: 'front' } })).toEqual({ modified: ['deployment.apps/web'] });
    // The new label rolls the pods out anew; the old ones go within their grace period.
    await waitFor('two pods of web, labelled, and no others', 90_000, async () => {
      const web = await pods(`tycho-guid=${sid}`);
      return web.length === 2 && web.every((p) => p.metadata.labels.tier === 'front' && p.status.containerStatuses?.[0]?.ready) ? true : undefined;
    });
    expect((await first!.system(sid)).services['web']).toMatchObject({ desired: 2, ready: 2 });
  });

  it('deletes the system for its user only, and then nothing of it is left in the namespace', async () => {
    expect((await clients.bob.delete(sid).catch((e) => e)).status).toBe(404);
    const { deleted } = await clients.alice.delete(sid);
    expect(deleted).toContain('deployment.apps/web');
    expect(await leftovers(t.api, NS, sid)).toEqual([]);
    expect(await clients.alice.status()).toEqual([]);
  });

  it('goes down with tychoc down, leaving nothing of the server in its namespace', async () => {
    const down = await t.tychoc(['down', serverSid, '-n', NS]);
    expect(down).toMatchObject({ code: 0, stderr: '' });
    expect(await leftovers(t.api, NS, serverSid)).toEqual([]);
    serverSid = '';
  });

  /** A token of a new service account, from the TokenRequest API. */
  async function tokenOf(ns: string, name: string): Promise<string> {
    await t.api.create(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
    const request = await t.api.create(`/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    return request.status.token;
  }
});

/** The server's pods and their events, for a failure's message. */
async function describePods(kubectl: RealNodeFixture['kubectl']): Promise<string> {
  const described = await kubectl(['describe', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=tychoc']);
  const logs = await kubectl(['logs', '-n', NS, '-l', 'app.kubernetes.io/name=tychoc', '--tail=20', '--all-containers']);
  return `${described.stdout}${described.stderr}\n${logs.stdout}${logs.stderr}`;
}
