import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processesMentioning } from '../cluster/host-processes.js';
import { waitFor } from '../cluster/processes.js';
import { composeProject, createNamespace, list, useCluster } from './cluster-fixture.js';

const c = useCluster();
const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;
const project = composeProject(`name: many\nservices:\n${Array.from({ length: 12 }, (_, i) => `  s${i}:\n    image: nginx:1.27\n    ports: ["80"]\n`).join('')}`);

/** The built CLI in a process of its own, so that it can be sent signals; `said` resolves once its stderr matches. */
function tychocProcess(args: readonly string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: project, env: { PATH: process.env.PATH ?? '', KUBECONFIG: c.cluster.kubeconfig } });
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  const said = (pattern: RegExp) => new Promise<void>((resolve) => {
    const check = () => pattern.test(stderr) && resolve();
    listeners.push(check);
    check();
  });
  return { child, exit, said };
}

// The Services of the 12 go first (8 at a time), then the Deployments: a signal sent when the
// first Service is created, with the API server held still, lands in the middle of the apply.
const MIDWAY = /service\/s\d+ created/;

/**
 * Holds the API server still (SIGSTOP) while `during` runs, so that a signal reaches tychoc at a
 * known point: with a request in flight, part of the system applied.
 */
async function withFrozenApiServer(during: () => Promise<void>): Promise<void> {
  const [apiserver] = processesMentioning(c.cluster.dir).filter((p) => p.cmdline.includes('kube-apiserver'));
  process.kill(apiserver!.pid, 'SIGSTOP');
  try {
    await during();
  } finally {
    process.kill(apiserver!.pid, 'SIGCONT');
  }
}

/** Every object of a system left in a namespace, as kind/name. */
async function leftOf(ns: string, sid: string): Promise<string[]> {
  const paths = ['/api/v1/namespaces/NS/services', '/api/v1/namespaces/NS/configmaps', '/apis/apps/v1/namespaces/NS/deployments', '/api/v1/namespaces/NS/pods'];
  const found: string[] = [];
  for (const p of paths) found.push(...(await list(c.api, `${p.replace('NS', ns)}?labelSelector=tycho-guid%3D${sid}`)).map((o) => `${p.split('/').pop()}/${o.metadata.name}`));
  return found;
}

const parentOf = (ns: string) => waitFor('the system to appear', 30_000, async () => (await list(c.api, `/api/v1/namespaces/${ns}/configmaps?labelSelector=app-name%3Dmany`))[0]);

describe('an up that is stopped', () => {
  it('by SIGINT (Ctrl-C): rolls back what it created, releases the lock and exits 130', async () => {
    await createNamespace(c.api, 'ctrl-c');
    const up = tychocProcess(['up', '-n', 'ctrl-c']);
    await up.said(MIDWAY);
    await withFrozenApiServer(async () => {
      up.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 300));
    });
    const run = await up.exit;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('tychoc: SIGINT: stopping, and removing what this attempt created (SIGINT again exits at once)\n');
    expect(run.stderr).toMatch(/\ntychoc: applying [a-z./0-9-]+ failed: interrupted by SIGINT; removed the \d+ object\(s\) this attempt created\n$/);
    const parent = (await list(c.api, '/api/v1/namespaces/ctrl-c/configmaps?labelSelector=app-name%3Dmany'))[0];
    expect(parent).toBeUndefined();
    expect(await list(c.api, '/api/v1/namespaces/ctrl-c/services')).toEqual([]);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/ctrl-c/leases')).toEqual([]);
  }, 60_000);

  it('by SIGTERM twice: exits 143 at once, saying what it left; the system can be taken down, the lock expires', async () => {
    await createNamespace(c.api, 'term');
    const up = tychocProcess(['up', '-n', 'term']);
    await up.said(MIDWAY);
    const sid = /\(tychoc down ([0-9a-f]{12})\)/;
    let found = '';
    await withFrozenApiServer(async () => {
      up.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      up.child.kill('SIGTERM');
      const run = await up.exit;
      expect(run.code).toBe(143);
      expect(run.stderr).toMatch(/\ntychoc: exiting at once; left in place: .+ \(tychoc down [0-9a-f]{12}\); the namespace lock expires in 15s\n$/);
      found = sid.exec(run.stderr)![1]!;
    });
    const down = await c.tychoc(['down', found]);
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/^waiting for many-[0-9a-f]{12} \(.+\), which has been changing the namespace for \d+s\n$/);
    expect(await leftOf('term', found)).toEqual([]);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/term/leases')).toEqual([]);
  }, 90_000);

  it('by kill -9: the next up --sid completes the half system once the lock expires', async () => {
    await createNamespace(c.api, 'killed');
    const up = tychocProcess(['up', '-n', 'killed']);
    await up.said(MIDWAY);
    await withFrozenApiServer(async () => {
      up.child.kill('SIGKILL');
      await up.exit;
    });
    const sid = (await parentOf('killed')).metadata.labels['tycho-guid'];
    const started = Date.now();
    const again = await c.json(['up', '--sid', sid], project);
    expect(again).toMatchObject({ sid, namespace: 'killed', action: 'updated' });
    expect(Object.keys(again.services)).toHaveLength(12);
    // It waited for the killed up's lock to expire.
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    expect((await list(c.api, `/apis/apps/v1/namespaces/killed/deployments?labelSelector=tycho-guid%3D${sid}`)).length).toBe(12);
    expect((await c.tychoc(['down', sid])).code).toBe(0);
    expect(await leftOf('killed', sid)).toEqual([]);
  }, 90_000);
});

describe('a frozen API server', () => {
  it('status gives up after --request-timeout, with exit 3', async () => {
    const started = Date.now();
    let run = { code: -1, stderr: '' } as { code: number; stderr: string };
    await withFrozenApiServer(async () => {
      run = await c.tychoc(['status', '--request-timeout', '2s']);
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^tychoc: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: timed out\n$/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('during up: exit 3 naming what was left, which down removes once the server is back', async () => {
    await createNamespace(c.api, 'frozen');
    const up = tychocProcess(['up', '-n', 'frozen', '--request-timeout', '2s']);
    await up.said(MIDWAY);
    let run = { code: -1 as number | null, stderr: '' };
    await withFrozenApiServer(async () => {
      run = await up.exit;
    });
    expect(run.code).toBe(3);
    const sid = /tychoc down ([0-9a-f]{12}) removes them/.exec(run.stderr)?.[1];
    expect(run.stderr).toMatch(/timed out; left in place: .*configmap\/applyset-many-[0-9a-f]{12}.* \(tychoc down [0-9a-f]{12} removes them\)\n$/);
    expect((await c.tychoc(['down', sid!])).code).toBe(0);
    expect(await leftOf('frozen', sid!)).toEqual([]);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/frozen/leases')).toEqual([]);
  }, 90_000);

  it('during down and modify: exit 3 within the request timeout; both work again once the server is back', async () => {
    await createNamespace(c.api, 'paused');
    const { sid } = await c.json(['up', '-n', 'paused'], project);
    for (const args of [['modify', sid, '--cpu', '300m'], ['down', sid]]) {
      let run = { code: -1, stderr: '' } as { code: number; stderr: string };
      const started = Date.now();
      await withFrozenApiServer(async () => {
        run = await c.tychoc([...args, '--request-timeout', '2s']);
      });
      expect(run.code, args[0]).toBe(3);
      expect(run.stderr).toMatch(/^tychoc: cannot reach the API server at .*: timed out\n$/);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
    expect((await c.tychoc(['modify', sid, '--cpu', '300m'])).code).toBe(0);
    expect((await c.tychoc(['down', sid, '--volumes'])).code).toBe(0);
    expect(await leftOf('paused', sid)).toEqual([]);
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/paused/leases')).toEqual([]);
  }, 90_000);
});
