import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeOnRealNode, eventually, leftovers, useRealNode, type ExecResult, type RealNodeFixture } from './real-node-fixture.js';

/**
 * Compose projects from fixtures/ brought up with `tychoc up --wait` on the real node, checked from
 * inside the cluster through their compose names, and taken down again with nothing left.
 */
const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

/** A system that `up` created, as a check sees it. */
interface App {
  readonly t: RealNodeFixture;
  readonly ns: string;
  readonly sid: string;
  /** `sh -c script` in the client pod of the app's namespace. */
  fromClient(script: string): Promise<ExecResult>;
  /** `sh -c script` in the running pod of a compose service. */
  inService(service: string, script: string): Promise<ExecResult>;
}

interface AppCase {
  /** fixtures/<fixture>/compose.yaml, compiled with the default policy. */
  readonly fixture: string;
  /** What must hold once `up --wait` has succeeded. */
  check(app: App): Promise<void>;
}

const CASES: AppCase[] = [
  {
    fixture: 'run-web-db-cache',
    async check(app) {
      expect((await succeeds(() => app.fromClient('busybox wget -qO- http://web/'))).stdout).toContain('Welcome to nginx');
      // nginx logs the request; every line of every service comes prefixed by its replica.
      const logs = await app.t.tychoc(['logs', app.sid]);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(/^web-1    \| .*"GET \/ HTTP\/1\.1" 200 /m);
      expect(logs.stdout).toMatch(/^db-1     \| .*database system is ready to accept connections/m);
      expect(logs.stdout.split('\n').filter(Boolean).every((l) => /^(cache|db|web)-1 +\| /.test(l))).toBe(true);
      expect((await succeeds(() => app.fromClient('redis-cli -h cache ping'))).stdout).toBe('PONG\n');
      expect((await succeeds(() => app.fromClient("PGPASSWORD=s3cret psql -h db -U postgres -d shop -tAc 'select 1'"))).stdout).toBe('1\n');
    },
  },
  {
    fixture: 'run-healthchecks',
    async check(app) {
      // Ready means the kubelet ran the readiness probes and they passed.
      const pods = await app.t.api.get(`/api/v1/namespaces/${app.ns}/pods?labelSelector=tycho-guid%3D${app.sid}`);
      const state = Object.fromEntries(pods.items.map((p: any) => [p.metadata.labels['app.kubernetes.io/name'], {
        ready: p.status.containerStatuses[0].ready,
        restarts: p.status.containerStatuses[0].restartCount,
        probes: ['livenessProbe', 'readinessProbe', 'startupProbe'].filter((k) => p.spec.containers[0][k]),
      }]));
      expect(state).toEqual({
        'exec-form': { ready: true, restarts: 0, probes: ['livenessProbe', 'readinessProbe'] },
        'shell-form': { ready: true, restarts: 0, probes: ['livenessProbe', 'readinessProbe', 'startupProbe'] },
        'no-check': { ready: true, restarts: 0, probes: [] },
      });
    },
  },
  {
    fixture: 'run-one-shot-job',
    async check(app) {
      const logs = await app.t.kubectl(['logs', '-n', app.ns, 'job/migrate']);
      expect(logs.stdout).toBe('migrated\n');
      // tychoc logs, by project name, as docker compose logs prints them.
      expect(await app.t.tychoc(['logs', 'batch', 'migrate'])).toMatchObject({ code: 0, stdout: 'migrate-1  | migrated\n', stderr: '' });
      expect((await app.t.tychoc(['logs', app.sid, 'migrate', '--no-prefix'])).stdout).toBe('migrated\n');
    },
  },
  {
    fixture: 'run-secret-and-config',
    async check(app) {
      // Kubernetes cannot give a projected file to a user, only to the pod's fsGroup, and then adds
      // group read: 0400 for user 1000 becomes 0440 with group 1000, still closed to everyone else.
      const files = await app.inService('app', 'id -u; id -g; cat /run/secrets/token /etc/app/settings.ini && stat -c "%a %g" /run/secrets/token /etc/app/settings.ini');
      if (files.code !== 0) throw new Error(`reading the files failed: ${files.stderr}`);
      expect(files.stdout).toBe('1000\n1000\nnot-a-real-token\n[app]\ngreeting = hello\n440 1000\n440 1000\n');
    },
  },
  {
    fixture: 'run-named-volume',
    async check(app) {
      expect((await succeeds(() => app.fromClient('redis-cli -h cache set greeting kept'))).stdout).toBe('OK\n');
      const deleted = await app.t.kubectl(['delete', 'pod', '-n', app.ns, '-l', 'app.kubernetes.io/name=cache', '--wait']);
      expect(deleted.code).toBe(0);
      const read = await eventually('the new pod to answer', () => app.fromClient('redis-cli -h cache get greeting'), (r) => r.stdout === 'kept\n', 90_000);
      expect(read.stdout).toBe('kept\n');
    },
  },
  {
    // Databases without ports reached by name; a config file from the project; /etc/localtime dropped.
    fixture: 'run-realistic-stack',
    async check(app) {
      const status = await eventually('the app to reach the cache and the database', () => app.fromClient('busybox wget -qO- http://web/status'), (r) => r.stdout === 'PONG\n42\n', 90_000);
      expect(status.stdout).toBe('PONG\n42\n');
      expect((await succeeds(() => app.fromClient("PGPASSWORD=s3cret psql -h db -U postgres -d stack -tAc 'select 1'"))).stdout).toBe('1\n');
      expect((await succeeds(() => app.fromClient('redis-cli -h cache ping'))).stdout).toBe('PONG\n');
    },
  },
  {
    // A non-root user binds port 80 through the pod's unprivileged-port sysctl.
    fixture: 'run-restricted-low-port',
    async check(app) {
      expect((await succeeds(() => app.fromClient('busybox wget -qO- http://web/'))).stdout).toBe('hello from a non-root user\n');
      expect((await app.inService('web', 'id -u; cat /proc/sys/net/ipv4/ip_unprivileged_port_start')).stdout).toBe('1000\n0\n');
    },
  },
  {
    fixture: 'run-tmpfs-read-only-user',
    async check(app) {
      const out = await app.inService('app', 'id -u; id -g; touch /scratch/file && echo scratch-writable; touch /file 2>&1; grep " /scratch " /proc/mounts | cut -d" " -f3,4');
      expect(out.stdout).toMatch(/^1000\n1000\nscratch-writable\ntouch: \/file: Read-only file system\ntmpfs rw,.*size=16384k/);
    },
  },
];

describeOnRealNode('compose apps on the real node', () => {
  const t = useRealNode();

  for (const c of CASES) {
    it(c.fixture, async () => {
      const ns = c.fixture;
      await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const dir = join(fixtures, c.fixture);
      const up = await t.tychoc(['up', '-f', join(dir, 'compose.yaml'), '-n', ns, '--wait', '--timeout', '150s', '-q'], dir);
      const systems = JSON.parse((await t.tychoc(['status', '-n', ns, '-o', 'json'])).stdout);
      expect(systems).toHaveLength(1);
      const sid: string = systems[0].sid;
      let outcome: unknown;
      try {
        if (up.code !== 0) throw new Error(`tychoc up exited ${up.code}: ${up.stderr}`);
        await c.check(appOf(t, ns, sid));
      } catch (e) {
        outcome = e;
      }

      // Taken down whatever the check found, and nothing of the system may stay.
      const down = await t.tychoc(['down', sid, '-n', ns, '--volumes']);
      expect(down.stderr).toBe('');
      expect(down.code).toBe(0);
      expect(await leftovers(t.api, ns, sid)).toEqual([]);
      await t.api.delete(`/api/v1/namespaces/${ns}`);
      if (outcome) throw outcome;
    }, 300_000);
  }
});

function appOf(t: RealNodeFixture, ns: string, sid: string): App {
  let client: Promise<string> | undefined;
  return {
    t,
    ns,
    sid,
    async fromClient(script) {
      client ??= t.client(ns);
      return t.exec(ns, await client, script);
    },
    async inService(service, script) {
      const pods = await t.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=tycho-guid%3D${sid},app.kubernetes.io%2Fname%3D${service}`);
      const running = pods.items.find((p: any) => p.status?.phase === 'Running');
      if (!running) throw new Error(`no running pod of ${service}`);
      return t.exec(ns, running.metadata.name, script);
    },
  };
}

/** Retries a check from inside the cluster until it exits 0 (names and routes take a moment), and fails with its output otherwise. */
async function succeeds(check: () => Promise<ExecResult>): Promise<ExecResult> {
  const result = await eventually('the check to pass', check, (r) => r.code === 0);
  if (result.code !== 0) throw new Error(`check exited ${result.code}: ${result.stderr || result.stdout}`);
  return result;
}
