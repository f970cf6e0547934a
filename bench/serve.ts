import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingHttpHeaders } from 'node:http';
import type autocannon from 'autocannon';
import { stringify } from 'yaml';
import type { Cluster } from '../test/cluster/harness.js';
import { KubeHttp } from '../test/cluster/http.js';
import { onHarnessCluster } from './cluster.js';
import { leakedObjects } from './leaks.js';
import { cannon, Failures, processLoad } from './load.js';
import type { Invocation } from './measure.js';
import type { ServeResult } from './results.js';
import { startServe } from './serve-process.js';
import { cleanEnv, type NodeRuntime, type Skipped } from './tools.js';

const tychocBin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/** Two services, as a platform's users launch them; kwok nodes run any image. */
const SHOP = { name: 'shop', services: { web: { image: 'nginx:1.27', ports: ['80'] }, cache: { image: 'redis:7', expose: ['6379'] } } };
const USERS = ['alice', 'bob'] as const;
type User = (typeof USERS)[number] | 'root';
/** Systems present while status is measured, half of each user. */
const PRESENT = 4;
const STATUS_CONNECTIONS = 10;
const STATUS_SECONDS = 10;
const CLI_STATUS_RUNS = 40;
/** Start, status and delete cycles per connection of the mixed load. */
const MIXED_CYCLES = 5;
/** kwok nodes take 110 pods each: room for every pod of every system. */
const NODES = 4;
const PROCESS_TIMEOUT_MS = 180_000;

/** How the requests of one user are made. */
interface Requests {
  auth(user: User): IncomingHttpHeaders;
  json(user: User): IncomingHttpHeaders;
  startBody(namespace: string): string;
}

interface Started {
  readonly sid: string;
  readonly user: User;
}

/**
 * `tychoc serve` as a separate process on loopback, loaded by autocannon, on a harness cluster:
 * status with a few systems present, `systems` starts and then their deletes `concurrency` at a
 * time, and two users starting, listing and deleting at once. Then the same status, starts and
 * deletes as cold `tychoc status`/`up`/`down` processes. Throws if any request failed, or if any
 * object of a system is left once all were deleted.
 */
export async function measureServe(opts: { node: NodeRuntime; systems: number; concurrency: number; progress: (s: string) => void }): Promise<ServeResult | Skipped> {
  if (opts.concurrency > opts.systems) throw new Error(`serve: --concurrency ${opts.concurrency} is more than --serve-systems ${opts.systems}`);
  return onHarnessCluster('serve', NODES, opts.progress, (cluster) => measureOn(cluster, opts));
}

async function measureOn(cluster: Cluster, opts: Parameters<typeof measureServe>[0]): Promise<ServeResult> {
  const api = new KubeHttp(cluster);
  const tokens: Record<User, string> = { root: token(), alice: token(), bob: token() };
  const tokenFile = join(cluster.dir, 'tokens.yaml');
  writeFileSync(tokenFile, stringify(Object.entries(tokens).map(([username, t]) => ({ token: t, username, role: username === 'root' ? 'admin' : 'user' }))));
  const auth = (user: User): IncomingHttpHeaders => ({ authorization: `Bearer ${tokens[user]}` });
  const json = (user: User): IncomingHttpHeaders => ({ ...auth(user), 'content-type': 'application/json' });
  const startBody = (namespace: string) => JSON.stringify({ system: SHOP, namespace });

  // Two systems of one compose file cannot share a namespace (their objects have the same names).
  const namespaces = Array.from({ length: PRESENT + opts.systems }, (_, i) => `serve-${i}`);
  for (let i = 0; i < namespaces.length; i += 8) {
    await Promise.all(namespaces.slice(i, i + 8).map((name) => api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
  }
  const server = await startServe({ node: opts.node.path, bin: tychocBin, tokenFile, kubeconfig: cluster.kubeconfig, log: join(cluster.dir, 'serve.log') });
  const failures = new Failures();
  const env = { ...cleanEnv, KUBECONFIG: cluster.kubeconfig };
  const tychoc = (...args: string[]): Invocation => ({ command: opts.node.path, args: [tychocBin, ...args], cwd: cluster.dir, env });
  const cli = (invocations: Invocation[], concurrency: number) => processLoad(invocations, concurrency, PROCESS_TIMEOUT_MS, failures);
  const failIfAny = (what: string) => {
    if (failures.seen.length === 0) return;
    throw new Error(`serve: ${failures.seen.length} failed ${what} (the server's log is serve.log in the cluster's dir, kept with TYCHOC_KEEP_CLUSTER=1), first: ${failures.seen.slice(0, 3).join(' | ')}`);
  };
  try {
    const present: Started[] = [];
    for (const [i, namespace] of namespaces.slice(0, PRESENT).entries()) {
      const user = USERS[i % USERS.length]!;
      const res = await fetch(`${server.url}/systems`, { method: 'POST', headers: json(user) as Record<string, string>, body: startBody(namespace) });
      const body = (await res.json()) as { result: { sid: string } };
      failures.expect(201)(res.status, JSON.stringify(body));
      present.push({ sid: body.result.sid, user });
    }
    failIfAny('starts before the status load');

    opts.progress(`serve: status, ${STATUS_CONNECTIONS} connections for ${STATUS_SECONDS} s`);
    // Each user sees its own systems, the admin every one.
    const lists = (n: number, user?: User) => (body: { result?: { username?: string }[] }) =>
      body?.result?.length === n && body.result.every((s) => user === undefined || s.username === user) ? undefined : `listed ${JSON.stringify(body?.result?.map((s) => s.username))}`;
    const status = await cannon(server.url, {
      connections: STATUS_CONNECTIONS,
      duration: STATUS_SECONDS,
      requests: [
        { method: 'GET', path: '/systems', headers: auth('alice'), onResponse: failures.expect(200, lists(PRESENT / 2, 'alice')) },
        { method: 'POST', path: '/system/status', headers: json('bob'), body: '{}', onResponse: failures.expect(200, lists(PRESENT / 2, 'bob')) },
        { method: 'GET', path: '/systems', headers: auth('root'), onResponse: failures.expect(200, lists(PRESENT)) },
      ],
    }, failures);
    opts.progress(`serve: ${CLI_STATUS_RUNS} tychoc status, ${STATUS_CONNECTIONS} at a time`);
    const cliStatus = await cli(Array.from({ length: CLI_STATUS_RUNS }, () => tychoc('status', '-o', 'json')), STATUS_CONNECTIONS);
    failIfAny('status requests');

    opts.progress(`serve: ${opts.systems} starts, ${opts.concurrency} at a time`);
    const queue = namespaces.slice(PRESENT).map((namespace, i) => ({ namespace, user: USERS[i % USERS.length]! }));
    const started: Started[] = [...present];
    const start = await cannon(server.url, {
      connections: opts.concurrency,
      amount: opts.systems,
      requests: [{
        method: 'POST',
        path: '/systems',
        // autocannon builds each request just before sending it: one namespace per start.
        setupRequest: (req) => {
          const next = queue.shift();
          if (!next) throw new Error('serve: more starts sent than namespaces made');
          return { ...req, headers: { ...req.headers, ...json(next.user) }, body: startBody(next.namespace) };
        },
        onResponse: failures.expect(201, (body: { result: { sid: string; username: User } }) => void started.push({ sid: body.result.sid, user: body.result.username })),
      }],
    }, failures);
    failIfAny('starts');

    opts.progress(`serve: ${started.length} deletes, ${opts.concurrency} at a time`);
    const doomed = [...started];
    const del = await cannon(server.url, {
      connections: opts.concurrency,
      amount: doomed.length,
      requests: [{
        method: 'DELETE',
        setupRequest: (req) => {
          const next = doomed.shift();
          if (!next) throw new Error('serve: more deletes sent than systems started');
          return { ...req, path: `/systems/${next.sid}?volumes=true`, headers: { ...req.headers, ...auth(next.user) } };
        },
        onResponse: failures.expect(200),
      }],
    }, failures);
    failIfAny('deletes');

    const perUser = Math.max(1, Math.floor(opts.concurrency / USERS.length));
    opts.progress(`serve: start, status and delete by ${USERS.length} users at once, ${perUser} connections each`);
    const pool = namespaces.slice(0, perUser * USERS.length);
    const mixedLoads = await Promise.all(USERS.map((user) => cannon(server.url, {
      connections: perUser,
      amount: 3 * MIXED_CYCLES * perUser,
      requests: mixedCycle(user, pool, { json, auth, startBody }, failures),
    }, failures)));
    const mixed = Object.fromEntries(USERS.map((user, i) => [user, mixedLoads[i]!]));
    failIfAny('requests of the mixed load');

    const listed = await fetch(`${server.url}/systems`, { headers: auth('root') as Record<string, string> });
    const listedAfter = ((await listed.json()) as { result: unknown[] }).result.length;
    const nsSet = new Set(namespaces);
    const leakedByServer = await leakedObjects(api, nsSet);
    if (listedAfter !== 0 || leakedByServer.length > 0) {
      throw new Error(`serve: after every delete the server still lists ${listedAfter} systems, and ${leakedByServer.length} objects are left: ${leakedByServer.slice(0, 10).join(', ')}`);
    }
    const peakRssMiB = server.peakRssMiB();
    await server.stop();

    opts.progress(`serve: ${opts.systems} tychoc up, then down, ${opts.concurrency} at a time`);
    const compose = join(cluster.dir, 'compose.yaml');
    writeFileSync(compose, stringify(SHOP));
    const ups = await cli(namespaces.slice(PRESENT).map((ns, i) => tychoc('up', compose, '-n', ns, '-q', '-o', 'json', '--username', USERS[i % USERS.length]!)), opts.concurrency);
    failIfAny('tychoc up');
    // Like DELETE /systems/:sid, down finds the system by its id wherever it is.
    const downs = await cli(ups.runs.map((r) => tychoc('down', (JSON.parse(r.stdout) as { sid: string }).sid, '--volumes', '-o', 'json')), opts.concurrency);
    failIfAny('tychoc down');
    const leakedByCli = await leakedObjects(api, nsSet);
    if (leakedByCli.length > 0) throw new Error(`serve: tychoc down left ${leakedByCli.length} objects: ${leakedByCli.slice(0, 10).join(', ')}`);

    const version = (await api.get('/version')) as { gitVersion: string };
    return {
      kubernetes: version.gitVersion,
      nodes: NODES,
      services: Object.keys(SHOP.services).length,
      present: PRESENT,
      server: { status, start, delete: del, mixed, peakRssMiB },
      cli: { status: cliStatus.stat, start: ups.stat, delete: downs.stat },
      leaked: { server: leakedByServer.length, cli: leakedByCli.length },
      listedAfter,
    };
  } finally {
    await server.stop();
  }
}

const token = () => randomBytes(24).toString('hex');

/**
 * One user's cycle: start a system in a namespace from the shared pool, list (only its own
 * systems may show), delete it, and give the namespace back once it is empty again.
 */
function mixedCycle(user: User, pool: string[], h: Requests, failures: Failures): autocannon.Request[] {
  type Cycle = { namespace?: string; sid?: string };
  const expectStart = failures.expect(201);
  const expectDelete = failures.expect(200);
  return [
    {
      method: 'POST',
      path: '/systems',
      setupRequest: (req, context) => {
        const namespace = pool.shift();
        if (!namespace) throw new Error('serve: the mixed load ran out of namespaces');
        (context as Cycle).namespace = namespace;
        return { ...req, headers: { ...req.headers, ...h.json(user) }, body: h.startBody(namespace) };
      },
      onResponse: (status, body, context) => {
        expectStart(status, body);
        if (status === 201) (context as Cycle).sid = (JSON.parse(body) as { result: { sid: string } }).result.sid;
      },
    },
    {
      method: 'GET',
      path: '/systems',
      headers: h.auth(user),
      // The user's new system shows, and no other user's.
      onResponse: (status, body, context) =>
        failures.expect(200, (b: { result?: { sid: string; username?: string }[] }) =>
          b?.result?.some((s) => s.sid === (context as Cycle).sid) && b.result.every((s) => s.username === user) ? undefined : `${user} listed ${JSON.stringify(b?.result?.map((s) => [s.sid, s.username]))}`,
        )(status, body),
    },
    {
      method: 'DELETE',
      // A start that failed is already counted; its delete then fails too, on a sid that is not one.
      setupRequest: (req, context) => ({ ...req, path: `/systems/${(context as Cycle).sid ?? 'none'}?volumes=true`, headers: { ...req.headers, ...h.auth(user) } }),
      onResponse: (status, body, context) => {
        expectDelete(status, body);
        pool.push((context as Cycle).namespace!);
      },
    },
  ];
}
