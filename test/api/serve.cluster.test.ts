import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, tokenFile, TychoApiError, TychoClient } from '../../src/api/index.js';
import { locateServer, parseServerService } from '../../src/api/locate.js';
import { connect } from '../../src/executor/kubeconfig.js';
import type { Kube } from '../../src/executor/systems.js';
import { composeProject, createNamespace, list, useCluster } from '../executor/cluster-fixture.js';
import { runCli } from '../run-cli.js';

/**
 * `tychoc serve` end to end: real HTTP on loopback, a real kube-apiserver with kwok nodes behind
 * it, and two server instances sharing the cluster (state lives there, nowhere else).
 */
const c = useCluster();
const TOKENS = { admin: 'admin-token-0123456789abcdef', alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef0' };

let kube: Kube;
const servers: FastifyInstance[] = [];
const urls: string[] = [];

async function serve(opts: { namespacePerSystem?: boolean } = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-api-test-'));
  const tokens = join(dir, 'tokens.yaml');
  writeFileSync(tokens, [
    `- {token: ${TOKENS.admin}, username: root, role: admin}`,
    `- {token: ${TOKENS.alice}, username: alice@example.org, role: user}`,
    `- {token: ${TOKENS.bob}, username: bob, role: user}`,
  ].join('\n'));
  const app = await buildServer({ kube, authenticate: tokenFile(tokens), namespace: 'apps', version: '0.0.0-test', downTimeoutMs: 60_000, ...opts });
  servers.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

beforeAll(async () => {
  kube = await connect({ kubeconfig: c.cluster.kubeconfig, env: {}, cwd: tmpdir(), requestTimeoutMs: 30_000 });
  await createNamespace(c.api, 'apps');
  urls.push(await serve(), await serve(), await serve({ namespacePerSystem: true }));
}, 60_000);
afterAll(async () => {
  for (const s of servers) await s.close();
  kube?.client.close();
});

type Who = keyof typeof TOKENS | 'nobody' | 'wrong';
async function call(who: Who, method: string, path: string, body?: unknown, server = 0): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (who !== 'nobody') headers['authorization'] = `Bearer ${who === 'wrong' ? 'x'.repeat(28) : TOKENS[who]}`;
  const res = await fetch(`${urls[server]}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: res.status, json: await res.json() };
}

const SHOP = { name: 'shop', services: { web: { image: 'nginx:1.27', ports: ['80'] }, cache: { image: 'redis:7', expose: ['6379'] } } };

describe('tychoc serve', () => {
  let sid = '';

  it('answers health without a token, and nothing else', async () => {
    expect(await call('nobody', 'GET', '/healthz')).toEqual({ status: 200, json: { status: 'success', result: {}, message: 'ok' } });
    expect((await call('nobody', 'GET', '/readyz')).status).toBe(200);
    expect(await call('nobody', 'GET', '/systems')).toEqual({ status: 401, json: { status: 'error', result: {}, message: 'a bearer token is required (Authorization: Bearer <token>)' } });
    expect(await call('wrong', 'GET', '/systems')).toEqual({ status: 401, json: { status: 'error', result: {}, message: 'the bearer token is not known' } });
    expect((await call('nobody', 'GET', '/openapi.json')).status).toBe(401);
  });

  it('starts a system for the caller, and reports every service with its cluster name and ports', async () => {
    const principal = JSON.stringify({ username: 'alice@example.org', access_token: 'secret-access-token', refresh_token: 'secret-refresh' });
    const { status, json } = await call('alice', 'POST', '/system/start', { system: SHOP, principal });
    expect(status).toBe(200);
    sid = json.result.sid;
    expect(json).toMatchObject({
      status: 'success',
      result: {
        name: `shop-${sid}`,
        app_id: 'shop',
        namespace: 'apps',
        // The name as given; the label is a digest-suffixed form of it, no other user's.
        username: 'alice@example.org',
        services: {
          web: { kind: 'Deployment', host: 'web.apps.svc', ports: [{ port: 80, protocol: 'TCP' }], desired: 1 },
          cache: { kind: 'Deployment', host: 'cache.apps.svc', ports: [{ port: 6379, protocol: 'TCP' }], desired: 1 },
        },
      },
    });
    const deployments = await list(c.api, `/apis/apps/v1/namespaces/apps/deployments?labelSelector=tycho-guid%3D${sid}`);
    expect(deployments.map((d) => d.metadata.labels.username)).toEqual(['alice-example.org-7a64adf287', 'alice-example.org-7a64adf287']);
    // The principal's tokens go nowhere: not into env, labels or annotations.
    expect(JSON.stringify(deployments)).not.toMatch(/secret-access-token|secret-refresh/);
  });

  it('shows a user its own systems only; an admin every one, or one user\'s', async () => {
    expect((await call('alice', 'POST', '/system/status', {})).json.result.map((s: any) => s.sid)).toEqual([sid]);
    expect((await call('bob', 'POST', '/system/status', {})).json.result).toEqual([]);
    expect((await call('bob', 'GET', `/systems/${sid}`)).status).toBe(404);
    expect((await call('bob', 'POST', '/system/status', { username: 'alice@example.org' })).status).toBe(403);
    expect((await call('admin', 'GET', '/systems')).json.result.map((s: any) => s.sid)).toEqual([sid]);
    expect((await call('admin', 'GET', '/systems?username=bob')).json.result).toEqual([]);
    expect((await call('admin', 'GET', `/systems?username=${encodeURIComponent('alice@example.org')}`)).json.result.map((s: any) => s.sid)).toEqual([sid]);
  });

  it('refuses to let one user start, change or delete another\'s systems', async () => {
    expect(await call('bob', 'POST', '/system/start', { system: SHOP, username: 'alice@example.org' })).toEqual({ status: 403, json: { status: 'error', result: {}, message: 'bob may not start a system for alice@example.org' } });
    expect((await call('bob', 'POST', '/system/modify', { name: sid, replicas: 3 })).status).toBe(404);
    expect((await call('bob', 'POST', '/system/delete', { name: sid })).status).toBe(404);
    expect((await call('bob', 'DELETE', `/systems/${sid}`)).status).toBe(404);
    const deployments = await list(c.api, `/apis/apps/v1/namespaces/apps/deployments?labelSelector=tycho-guid%3D${sid}`);
    expect(deployments.map((d) => d.spec.replicas)).toEqual([1, 1]);
  });

  it('modifies resources, labels and replicas of one service, through either server', async () => {
    const { status, json } = await call('alice', 'POST', '/system/modify', { 'tycho-guid': sid, service: 'web', resources: { cpu: '250m', memory: '256Mi' }, labels: { tier: 'front' }, replicas: 2 }, 1);
    expect(status).toBe(200);
    expect(json.result.modified).toEqual(['deployment.apps/web']);
    const [web] = await list(c.api, `/apis/apps/v1/namespaces/apps/deployments?labelSelector=tycho-guid%3D${sid},app.kubernetes.io/name%3Dweb`);
    expect(web.spec.replicas).toBe(2);
    expect(web.spec.template.metadata.labels.tier).toBe('front');
    expect(web.spec.template.spec.containers[0].resources).toMatchObject({ limits: { cpu: '250m', memory: '256Mi' }, requests: { cpu: '250m', memory: '256Mi' } });
    expect((await call('alice', 'PATCH', `/systems/${sid}`, { labels: { 'tycho-guid': 'other' } })).json.message).toBe('label tycho-guid is set by tychoc');
    expect((await call('alice', 'PATCH', `/systems/${sid}`, { cpu: 'lots' })).status).toBe(400);
  });

  it('refuses a body the schema does not allow (400), one too large (413), and a compose file that does not compile (422)', async () => {
    const unknown = await call('alice', 'POST', '/system/start', { system: SHOP, extra: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.status).toBe('error');
    expect(unknown.json.message).toMatch(/must NOT have additional properties/);
    expect((await call('alice', 'POST', '/system/start', { system: { services: {} }, env: 'x'.repeat(1_100_000) })).status).toBe(413);
    expect((await call('alice', 'POST', '/system/start', '{"system": ')).status).toBe(400);
    const bad = await call('alice', 'POST', '/system/start', { system: 'services:\n  web:\n    image: nginx\n    portz: [80]\n' });
    expect(bad).toEqual({
      status: 422,
      json: {
        status: 'error',
        result: { diagnostics: ['compose.yaml:4:5 error TYC0301 unknown key `portz` in service `web`, did you mean `ports`?'] },
        message: 'the compose file does not compile (1 error): compose.yaml:4:5 error TYC0301 unknown key `portz` in service `web`, did you mean `ports`?',
      },
    });
  });

  it('reads no file of the server\'s, and lets through nothing the policy forbids', async () => {
    const extend = await call('alice', 'POST', '/system/start', { system: { services: { web: { image: 'nginx', env_file: '/etc/hostname' } } } });
    expect(extend.status).toBe(422);
    expect(extend.json.result.diagnostics[0]).toMatch(/^compose\.json:\d+:\d+ error TYC0104 cannot read env_file .*etc\/hostname: outside the project directory/);
    const privileged = await call('alice', 'POST', '/system/start', { system: { services: { web: { image: 'nginx', privileged: true } } } });
    expect(privileged.status).toBe(422);
    expect(privileged.json.message).toMatch(/TYC0701 service `web` asks for privileged mode, which the policy forbids/);
    const account = await call('alice', 'POST', '/system/start', { system: { services: { web: { image: 'nginx', 'x-tycho': { service_account: 'tychoc' } } } } });
    expect(account.status).toBe(422);
    expect(account.json.message).toMatch(/TYC0701 service `web` runs as ServiceAccount `tychoc`, which the policy forbids/);
  });

  it('refuses a second system whose objects would take the names of the first\'s in the same namespace (409)', async () => {
    const again = await call('bob', 'POST', '/system/start', { system: SHOP });
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/^namespace apps already has objects of these names, system \w+ \(project shop\): service\/cache, service\/web/);
  });

  it('deletes the system through the other server, and then knows it no more', async () => {
    expect(await call('alice', 'POST', '/system/delete', { name: sid }, 1)).toMatchObject({ status: 200, json: { status: 'success', result: { keptClaims: [] } } });
    expect(await list(c.api, `/apis/apps/v1/namespaces/apps/deployments?labelSelector=tycho-guid%3D${sid}`)).toEqual([]);
    expect((await call('alice', 'GET', `/systems/${sid}`)).status).toBe(404);
    expect((await call('alice', 'POST', '/system/delete', { name: sid })).status).toBe(404);
  });

  it('publishes an OpenAPI document of every route, from the same schemas', async () => {
    const { status, json } = await call('bob', 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(json.openapi).toMatch(/^3\./);
    expect(Object.keys(json.paths).sort()).toEqual(['/service', '/service/{name}', '/service/{name}/scale', '/service/{name}/status', '/system/delete', '/system/modify', '/system/start', '/system/status', '/systems', '/systems/{sid}', '/systems/{sid}/touch']);
    expect(json.paths['/system/start'].post.requestBody.content['application/json'].schema).toBeDefined();
    // Every operation documents its answers: the envelope with its result, and failures.
    const operations = Object.entries(json.paths).flatMap(([path, ops]: [string, any]) => Object.entries(ops).map(([method, op]: [string, any]) => ({ route: `${method.toUpperCase()} ${path}`, codes: Object.keys(op.responses).sort() })));
    expect(operations.filter((o) => o.codes.join() !== '200,4XX,5XX' && o.codes.join() !== '201,4XX,5XX')).toEqual([]);

    // Every call TychoClient makes is an operation of the document.
    const routes = operations.map((o) => ({ route: o.route, match: new RegExp(`^${o.route.replace(/\{\w+\}/g, '[^/]+')}$`) }));
    const called: string[] = [];
    const recording: typeof fetch = (input, init) => {
      called.push(`${init?.method} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    const client = new TychoClient(urls[0]!, TOKENS.bob, recording);
    const definition = { name: 'nope', image: 'x' };
    await Promise.allSettled([
      client.start({ system: {} }), client.status(), client.system('0'), client.modify('0', {}), client.delete('0'), client.touch('0'),
      client.services(), client.service('nope'), client.redefine(definition), client.undefine('nope'), client.scale('nope', 1), client.serviceStatus('nope'),
    ]);
    await client.define({ name: 'nope', image: '' }).catch(() => undefined);
    const methods = Object.getOwnPropertyNames(TychoClient.prototype).filter((m) => m !== 'constructor' && m !== 'call');
    expect(called.length).toBe(methods.length);
    expect(called.filter((c) => !routes.some((r) => r.match.test(c)))).toEqual([]);
  });
});

describe('with a namespace per system', () => {
  it('starts the same compose file twice, each system in a namespace of its own that goes with it', async () => {
    const first = await call('alice', 'POST', '/system/start', { system: SHOP }, 2);
    const second = await call('bob', 'POST', '/system/start', { system: SHOP }, 2);
    expect([first.status, second.status]).toEqual([200, 200]);
    const namespaces = [first, second].map((r) => r.json.result.namespace);
    expect(namespaces).toEqual([`shop-${first.json.result.sid}`, `shop-${second.json.result.sid}`]);
    expect(second.json.result.services.web.host).toBe(`web.${namespaces[1]}.svc`);
    for (const [who, r] of [['alice', first], ['bob', second]] as const) expect((await call(who, 'DELETE', `/systems/${r.json.result.sid}`, undefined, 2)).status).toBe(200);
    for (const ns of namespaces) {
      const res = await c.api.request('GET', `/api/v1/namespaces/${ns}`);
      expect(res.status === 404 || JSON.parse(res.text).status.phase === 'Terminating', ns).toBe(true);
    }
  });

  it('lets only a service\'s client address ranges connect to it from outside its system', async () => {
    const start = await call('alice', 'POST', '/system/start', { system: SHOP, services: { web: { port: 80, clients: ['10.1.0.0/16'] }, cache: { clients: [] } } }, 2);
    expect(start.status).toBe(200);
    const own = start.json.result.sid;
    const policies = await list(c.api, `/apis/networking.k8s.io/v1/namespaces/shop-${own}/networkpolicies?labelSelector=tycho-guid%3D${own}`);
    expect(policies.map((p) => p.metadata.name)).toEqual(['web']);
    const [system, clients] = policies[0].spec.ingress;
    expect(system.from).toEqual([{ podSelector: { matchLabels: expect.objectContaining({ 'tycho-guid': own }) } }]);
    expect(system.from[0].podSelector.matchLabels['app.kubernetes.io/name']).toBeUndefined();
    expect(clients).toEqual({ from: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ port: 80, protocol: 'TCP' }] });
    expect((await call('alice', 'DELETE', `/systems/${own}`, undefined, 2)).status).toBe(200);
    expect(await list(c.api, `/apis/networking.k8s.io/v1/networkpolicies?labelSelector=tycho-guid%3D${own}`)).toEqual([]);

    const bad = await call('alice', 'POST', '/system/start', { system: SHOP, services: { web: { clients: ['10.1.0.0'] }, db: { clients: ['10.0.0.0/8'] } } }, 2);
    expect(bad.status).toBe(422);
    expect(bad.json.result.diagnostics).toEqual([
      'error TYC0303 services.web.clients: "10.1.0.0" is not an address range such as 10.0.0.0/8 or 2001:db8::/32',
      'error TYC0507 services.db.clients: there is no service `db` in the compose file',
    ]);
  });

});

describe('a restarted server', () => {
  it('knows every system and definition the one before it started: nothing lives in the server', async () => {
    const before = await serve();
    const client = new TychoClient(before, TOKENS.alice);
    const system = await client.start({ system: 'services:\n  app:\n    image: nginx:1.27\n' });
    await client.define({ name: 'ticker', image: 'busybox:1.36', command: 'sleep infinity' });
    await servers.pop()!.close();
    const after = new TychoClient(await serve(), TOKENS.alice);
    expect((await after.status()).map((s) => s.sid)).toContain(system.sid);
    expect((await after.service('ticker')).command).toBe('sleep infinity');
    await after.delete(system.sid);
    await after.undefine('ticker');
    expect((await after.status()).map((s) => s.sid)).not.toContain(system.sid);
  });
});

describe('answers', () => {
  it('are checked against their schemas: one that does not match is a 500, not a malformed answer', async () => {
    const app = await buildServer({ kube, authenticate: async () => ({ username: 'x', role: 'user' }), namespace: 'apps', version: '0.0.0-test' });
    app.get('/broken', { schema: { response: { 200: { $ref: 'envelope#', properties: { result: { $ref: 'system#' } } } } } }, async () => ({ status: 'success', result: { name: 'x' }, message: '' }));
    const res = await app.inject({ method: 'GET', url: '/broken', headers: { authorization: 'Bearer t' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ status: 'error', result: {}, message: expect.stringMatching(/^internal error \(request /) });
    await app.close();
  });
});

describe('TychoClient', () => {
  it('starts, lists, changes and deletes a system; a compose file that does not compile is an error with its diagnostics', async () => {
    const client = new TychoClient(urls[1]!, TOKENS.bob);
    const started = await client.start({ system: 'name: notes\nservices:\n  app:\n    image: nginx:1.27\n    expose: ["80"]\n' });
    expect(started).toMatchObject({ app_id: 'notes', username: 'bob', services: { app: { host: 'app.apps.svc', ports: [{ port: 80, protocol: 'TCP' }] } } });
    expect((await client.status()).map((s) => s.sid)).toEqual([started.sid]);
    expect((await client.system(started.sid)).name).toBe(`notes-${started.sid}`);
    expect(await client.modify(started.sid, { replicas: 0 })).toEqual({ modified: ['deployment.apps/app'] });
    expect((await client.delete(started.sid)).keptClaims).toEqual([]);
    const failure = await client.start({ system: { services: { app: {} } } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TychoApiError);
    expect(failure).toMatchObject({ status: 422, result: { diagnostics: [expect.stringMatching(/^compose\.json:3:12 error TYC0304 service `app` has neither `image` nor `build`/)] } });
    await expect(new TychoClient(urls[0]!, 'x'.repeat(20)).status()).rejects.toMatchObject({ status: 401, message: 'the bearer token is not known' });
  });

  it('defines, scales, reports, replaces and deletes a service definition', async () => {
    const client = new TychoClient(urls[0]!, TOKENS.bob);
    const defined = await client.define({ name: 'clock', image: 'busybox:1.36', command: ['sleep', 'infinity'] });
    expect(defined).toEqual({ name: 'clock', image: 'busybox:1.36', command: ['sleep', 'infinity'], sid: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(await client.scale('clock', 3)).toEqual({ scaled: ['deployment.apps/clock'] });
    expect(await client.serviceStatus('clock')).toMatchObject({ desired: 3, sid: defined.sid });
    expect(await client.redefine({ name: 'clock', image: 'busybox:1.36', command: ['sleep', '3600'] })).toMatchObject({ command: ['sleep', '3600'], sid: defined.sid });
    expect((await client.service('clock')).command).toEqual(['sleep', '3600']);
    expect((await client.services()).map((d) => d.name)).toEqual(['clock']);
    expect(await client.undefine('clock')).toMatchObject({ deleted: expect.arrayContaining(['deployment.apps/clock']), keptClaims: [] });
    await expect(client.service('clock')).rejects.toMatchObject({ status: 404 });
  });
});

describe('tychoc up, status and down --server', () => {
  it('sends the compose file and its .env, shows what the server answers, and takes the system down', async () => {
    const dir = composeProject('name: board\nservices:\n  app:\n    image: nginx:${TAG}\n    expose: ["80"]\n', { '.env': 'TAG=1.27\n', token: `${TOKENS.alice}\n` });
    const remote = ['--server', urls[0]!, '--token-file', 'token'];
    const up = await runCli(['up', ...remote, '-o', 'json'], dir);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const system = JSON.parse(up.stdout);
    const [deployment] = await list(c.api, `/apis/apps/v1/namespaces/apps/deployments?labelSelector=tycho-guid%3D${system.sid}`);
    expect(deployment.spec.template.spec.containers[0].image).toBe('nginx:1.27');
    const status = await runCli(['status', ...remote, '--terse'], dir);
    expect(status.stdout).toMatch(new RegExp(`^SYSTEM +SID +NAMESPACE +READY +AGE\\nboard-${system.sid} +${system.sid} +apps +\\d/1 +\\d+s\\n$`));
    expect((await runCli(['status', ...remote, system.sid], dir, {})).stdout).toMatch(/^system board-\w+ \(sid \w+\) in namespace apps, \d+s old, user alice@example\.org\nSERVICE +KIND +READY +HOST +PORTS\napp +Deployment +\d\/1 +app\.apps\.svc +80\/TCP\n$/);
    // Another user's token sees none of it, and cannot take it down.
    expect((await runCli(['down', '--server', urls[0]!, system.sid], dir, { TYCHOC_TOKEN: TOKENS.bob })).code).toBe(7);
    expect(await runCli(['down', ...remote, system.sid], dir)).toEqual({ code: 0, stdout: `system ${system.sid}: deleted 4 object(s)\n`, stderr: '' });
    // A compose file the server refuses prints its diagnostics and exits 1, as a local compile does.
    const bad = composeProject('services:\n  app:\n    image: nginx\n    privileged: true\n', { token: TOKENS.alice });
    const refused = await runCli(['up', ...remote], bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^compose\.yaml:2:3 error TYC0701 service `app` asks for privileged mode, which the policy forbids/);
    expect((await runCli(['status', '--server', urls[0]!], dir)).code).toBe(2);
  });
});

describe('finding a server through its Service', () => {
  const service = async (name: string, spec: object, status?: object) => {
    await c.api.create('/api/v1/namespaces/apps/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
    if (status) await c.api.request('PATCH', `/api/v1/namespaces/apps/services/${name}/status`, { status }, { contentType: 'application/merge-patch+json' });
    return (await c.api.get(`/api/v1/namespaces/apps/services/${name}`)).spec;
  };

  it('takes a load balancer\'s address, else a node port on a node, else the DNS name in a pod or the cluster IP outside', async () => {
    const port = Number(new URL(urls[0]!).port);
    await service('api-lb', { type: 'LoadBalancer', ports: [{ name: 'http', port, targetPort: 7051 }] }, { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });
    const nodePort = await service('api-np', { type: 'NodePort', ports: [{ name: 'metrics', port: 9090 }, { name: 'http', port: 7051 }] });
    const clusterIp = await service('api', { ports: [{ port: 7051 }] });
    await service('api-headless', { clusterIP: 'None', ports: [{ port: 7051 }] });
    const nodes = await list(c.api, '/api/v1/nodes');
    const nodeIp = nodes[0].status.addresses.find((a: any) => a.type === 'InternalIP').address;
    const outside = { inCluster: false };
    expect(await locateServer(kube, { namespace: 'apps', name: 'api-lb' }, outside)).toBe(`http://127.0.0.1:${port}`);
    expect(await locateServer(kube, { namespace: 'apps', name: 'api-np', port: 'http' }, outside)).toBe(`http://${nodeIp}:${nodePort.ports[1].nodePort}`);
    expect(await locateServer(kube, { namespace: 'apps', name: 'api-np', port: 'http' }, { inCluster: true })).toBe('http://api-np.apps.svc:7051');
    expect(await locateServer(kube, { namespace: 'apps', name: 'api' }, outside)).toBe(`http://${clusterIp.clusterIP}:7051`);
    await expect(locateServer(kube, { namespace: 'apps', name: 'api-headless' }, outside)).rejects.toThrow('Service apps/api-headless has neither a load balancer, a node port nor a cluster IP to reach it by');
    await expect(locateServer(kube, { namespace: 'apps', name: 'api', port: '8080' }, outside)).rejects.toThrow('Service apps/api has no port 8080');
    await expect(locateServer(kube, { namespace: 'apps', name: 'nope' }, outside)).rejects.toThrow('no Service apps/nope');

    // The command line takes the Service in place of a URL.
    const dir = composeProject('services:\n  app:\n    image: nginx\n', { token: TOKENS.bob });
    const env = { KUBECONFIG: c.cluster.kubeconfig };
    expect(await runCli(['status', '--server', 'svc/apps/api-lb', '--token-file', 'token'], dir, env)).toEqual({ code: 0, stdout: 'no systems\n', stderr: '' });
    expect(await runCli(['status', '--server', 'svc/apps/nope', '--token-file', 'token'], dir, env)).toEqual({ code: 7, stdout: '', stderr: 'tychoc: no Service apps/nope\n' });
  });

  it('reads svc/NAME, svc/NAMESPACE/NAME and a port after a colon; anything else is a URL', () => {
    expect(parseServerService('svc/tychoc')).toEqual({ name: 'tychoc' });
    expect(parseServerService('service/tychoc/api:http')).toEqual({ namespace: 'tychoc', name: 'api', port: 'http' });
    expect(parseServerService('svc/api:7051')).toEqual({ name: 'api', port: '7051' });
    expect(parseServerService('http://svc/api')).toBeUndefined();
    expect(parseServerService('svc/A')).toBeUndefined();
  });
});

describe('service definitions', () => {
  const echo = { name: 'echo', image: 'nginx:1.27', command: ['nginx', '-g', 'daemon off;'], environment: { MODE: 'test' }, ports: [80] };
  const workload = async () => (await list(c.api, '/apis/apps/v1/namespaces/apps/deployments?labelSelector=app.kubernetes.io%2Fname%3Decho'))[0];

  it('are validated before anything is written, stored in the cluster, and seen by every server', async () => {
    const refused = await call('alice', 'POST', '/service', { ...echo, environment: { MODE: 'test' }, image: '' });
    expect(refused.status).toBe(400);
    const badPort = await call('alice', 'POST', '/service', { name: 'echo', image: 'nginx', ports: ['99999'] });
    expect(badPort.status).toBe(422);
    expect(await list(c.api, '/api/v1/namespaces/apps/configmaps?labelSelector=tychoc.io%2Fservice-definition')).toEqual([]);
    const created = await call('alice', 'POST', '/service', echo);
    expect(created.status).toBe(201);
    expect(created.json.result).toMatchObject({ ...echo, sid: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect((await call('alice', 'POST', '/service', echo)).status).toBe(409);
    expect((await call('alice', 'GET', '/service/echo', undefined, 1)).json.result).toMatchObject(echo);
    expect((await call('alice', 'GET', '/service', undefined, 1)).json.result.map((d: any) => d.name)).toEqual(['echo']);
    expect((await call('bob', 'GET', '/service')).json.result).toEqual([]);
    expect((await call('bob', 'GET', '/service/echo')).status).toBe(404);
    const deployment = await workload();
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.27', args: ['nginx', '-g', 'daemon off;'], env: [{ name: 'MODE', value: 'test' }] });
  });

  it('scale sets exactly that definition\'s replicas, which a replaced definition keeps', async () => {
    expect((await call('alice', 'POST', '/service/echo/scale', { number: 3 })).json.result).toEqual({ scaled: ['deployment.apps/echo'] });
    expect((await workload()).spec.replicas).toBe(3);
    expect((await call('bob', 'POST', '/service/echo/scale', { number: 0 })).status).toBe(404);
    const status = await waitForStatus(3);
    expect(status).toMatchObject({ running_resources: 3, desired: 3, ready: true });
    const replaced = await call('alice', 'PUT', '/service/echo', { ...echo, environment: { MODE: 'prod' } });
    expect(replaced.status).toBe(200);
    const deployment = await workload();
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect((await call('alice', 'GET', '/service/echo')).json.result.environment).toEqual({ MODE: 'prod' });
    expect((await call('alice', 'PUT', '/service/echo', { ...echo, name: 'other' })).status).toBe(400);
  });

  it('delete removes the definition with everything it runs', async () => {
    expect((await call('alice', 'DELETE', '/service/echo')).status).toBe(200);
    expect(await workload()).toBeUndefined();
    expect(await list(c.api, '/api/v1/namespaces/apps/configmaps?labelSelector=tychoc.io%2Fservice-definition')).toEqual([]);
    expect((await call('alice', 'GET', '/service/echo')).status).toBe(404);
  });

  async function waitForStatus(ready: number): Promise<any> {
    for (let i = 0; i < 120; i++) {
      const { json } = await call('alice', 'GET', '/service/echo/status');
      if (json.result.running_resources === ready) return json.result;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`echo never had ${ready} ready replicas`);
  }
});

describe('the tychoc serve process', () => {
  it('serves until SIGTERM, lets a request in flight finish, and exits 0', async () => {
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'tychoc-serve-'));
    writeFileSync(join(dir, 'tokens.yaml'), `- {token: ${TOKENS.bob}, username: bob, role: user}\n`);
    const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--token-file', 'tokens.yaml', '--kubeconfig', c.cluster.kubeconfig, '-n', 'apps'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /serving on (http:\/\/\S+)/.exec(stderr);
        if (m) done(m[1]!);
      });
      void exited.then((code) => fail(new Error(`serve exited ${code}: ${stderr}`)));
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const inFlight = fetch(`${url}/system/start`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.bob}`, 'content-type': 'application/json' }, body: JSON.stringify({ system: { name: 'late', services: { app: { image: 'nginx:1.27' } } } }) });
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const answer = await inFlight;
    // It ends its connection, which would otherwise idle for the keep-alive timeout (72 s) and keep the process alive.
    expect(answer.headers.get('connection')).toBe('close');
    expect(answer.status).toBe(200);
    expect(await exited).toBe(0);
    // One JSON log line per request, with its id, status and duration; the caller is named.
    const completed = stdout.split('\n').filter((l) => l.includes('request completed')).map((l) => JSON.parse(l));
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(completed.find((l) => l.user === 'bob')).toMatchObject({ reqId: expect.any(String), res: { statusCode: 200 }, responseTime: expect.any(Number) });
    const { sid } = ((await answer.json()) as any).result;
    expect((await call('bob', 'POST', '/system/delete', { name: sid })).status).toBe(200);
  });
});
