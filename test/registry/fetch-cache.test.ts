import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadRegistry, resolveApps } from '../../src/registry/registry.js';
import { COMPOSE, registryDir, rendered } from './registry-files.js';

/** A real HTTP server on loopback: each path's answer (text, or a status to fail with), and the requests it got. */
const files = new Map<string, string | number>();
const requests: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const answer = files.get(req.url!) ?? 404;
    if (typeof answer === 'number') res.writeHead(answer).end();
    else res.writeHead(200, { 'content-type': 'text/yaml' }).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  files.clear();
  requests.length = 0;
});

const T0 = Date.parse('2026-01-01T00:00:00Z');
const APPS = (url: string, cacheSeconds?: number) =>
  [
    'repositories:',
    `  remote: {url: "${url}"${cacheSeconds === undefined ? '' : `, cacheSeconds: ${cacheSeconds}`}}`,
    'contexts:',
    '  a:',
    '    apps:',
    '      web: {compose: {repository: remote, path: web/compose.yaml}}',
    '      local: {compose: {path: c.yaml}}',
    '',
  ].join('\n');

/** Loads apps.yaml of `dir` at a given time, with the cache in `dir`. */
async function loadAt(dir: string, now: number) {
  const { registry, diagnostics } = await loadRegistry(undefined, { cwd: dir, env: { TYCHOC_CACHE: join(dir, '.cache') }, now: () => now });
  const resolved = registry ? resolveApps(registry) : undefined;
  return { registry, messages: rendered([...diagnostics, ...(resolved?.diagnostics ?? [])], dir), apps: resolved?.apps };
}

describe('an http(s) repository', () => {
  it('is fetched once for every app that needs it, and its files are given as text named by their URL', async () => {
    files.set('/apps/web/compose.yaml', COMPOSE);
    const dir = registryDir({ 'apps.yaml': APPS(`${base}/apps`), 'c.yaml': COMPOSE });
    const { messages, apps } = await loadAt(dir, T0);
    expect(messages).toEqual([]);
    expect(apps!.get('web')!.compose).toEqual({ text: COMPOSE, name: `${base}/apps/web/compose.yaml` });
    expect(apps!.get('local')!.compose).toEqual({ path: join(dir, 'c.yaml') });
    expect(requests).toEqual(['/apps/web/compose.yaml']);
  });

  it('is cached for cacheSeconds (300 by default), then fetched again', async () => {
    files.set('/apps/web/compose.yaml', COMPOSE);
    const defaults = registryDir({ 'apps.yaml': APPS(`${base}/apps/`), 'c.yaml': COMPOSE });
    await loadAt(defaults, T0);
    await loadAt(defaults, T0 + 299_000);
    expect(requests).toHaveLength(1);
    files.set('/apps/web/compose.yaml', COMPOSE.replace('nginx:1.27', 'nginx:1.28'));
    const later = await loadAt(defaults, T0 + 300_000);
    expect(requests).toHaveLength(2);
    expect((later.apps!.get('web')!.compose as { text: string }).text).toContain('nginx:1.28');

    const short = registryDir({ 'apps.yaml': APPS(`${base}/apps`, 10), 'c.yaml': COMPOSE });
    await loadAt(short, T0);
    await loadAt(short, T0 + 9_000);
    await loadAt(short, T0 + 10_000);
    expect(requests).toHaveLength(4);
  });

  it('falls back on a stale copy when the fetch fails, with a warning', async () => {
    files.set('/apps/web/compose.yaml', COMPOSE);
    const dir = registryDir({ 'apps.yaml': APPS(`${base}/apps`, 60), 'c.yaml': COMPOSE });
    await loadAt(dir, T0);
    files.set('/apps/web/compose.yaml', 503);
    const stale = await loadAt(dir, T0 + 3 * 3_600_000);
    expect(stale.apps!.get('web')!.compose).toEqual({ text: COMPOSE, name: `${base}/apps/web/compose.yaml` });
    expect(stale.messages).toEqual([
      `apps.yaml:6:13 warning TYC0806 compose file ${base}/apps/web/compose.yaml of app \`web\` of context \`a\`: cannot fetch it: HTTP 503 Service Unavailable; using the copy fetched 3h ago`,
    ]);
  });

  it('without a copy, leaves out the apps it cannot give, and says why', async () => {
    const dir = registryDir({ 'apps.yaml': APPS(`${base}/apps`), 'c.yaml': COMPOSE });
    const { messages, apps } = await loadAt(dir, T0);
    expect([...apps!.keys()]).toEqual(['local']);
    expect(messages).toEqual([`apps.yaml:6:13 error TYC0805 compose file ${base}/apps/web/compose.yaml of app \`web\` of context \`a\`: cannot fetch it: HTTP 404 Not Found`]);

    // A port that was just free: nothing listens there.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const closed = registryDir({ 'apps.yaml': APPS(`http://127.0.0.1:${port}/apps`), 'c.yaml': COMPOSE });
    expect((await loadAt(closed, T0)).messages).toEqual([
      `apps.yaml:6:13 error TYC0805 compose file http://127.0.0.1:${port}/apps/web/compose.yaml of app \`web\` of context \`a\`: cannot fetch it: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  });
});

describe('a registry behind http(s)', () => {
  it('is fetched and cached like a repository, relative repositories and paths taken from its URL', async () => {
    files.set('/r/apps.yaml', [
      'repositories:',
      '  here: {url: ./apps}',
      'contexts:',
      '  a:',
      '    apps:',
      '      one: {compose: {repository: here, path: one/compose.yaml}}',
      '      two: {compose: {path: two.yaml}}',
      '',
    ].join('\n'));
    files.set('/r/apps/one/compose.yaml', COMPOSE);
    files.set('/r/two.yaml', COMPOSE);
    const dir = registryDir({});
    const { registry, diagnostics } = await loadRegistry(`${base}/r/apps.yaml`, { cwd: dir, env: { TYCHOC_CACHE: join(dir, '.cache') }, now: () => T0 });
    expect(diagnostics).toEqual([]);
    expect(registry!.file).toBe(`${base}/r/apps.yaml`);
    expect([...resolveApps(registry!).apps.values()].map((a) => a.compose)).toEqual([
      { text: COMPOSE, name: `${base}/r/apps/one/compose.yaml` },
      { text: COMPOSE, name: `${base}/r/two.yaml` },
    ]);
    expect(requests.sort()).toEqual(['/r/apps.yaml', '/r/apps/one/compose.yaml', '/r/two.yaml']);

    files.set('/r/apps.yaml', 500);
    const stale = await loadRegistry(`${base}/r/apps.yaml`, { cwd: dir, env: { TYCHOC_CACHE: join(dir, '.cache'), TYCHOC_REGISTRY: 'ignored.yaml' }, now: () => T0 + 600_000 });
    expect(stale.registry).toBeDefined();
    expect(rendered(stale.diagnostics, dir)).toEqual([
      `${base}/r/apps.yaml:1:1 warning TYC0806 cannot fetch registry ${base}/r/apps.yaml: HTTP 500 Internal Server Error; using the copy fetched 10m ago`,
    ]);
    const fresh = registryDir({});
    const none = await loadRegistry(`${base}/r/apps.yaml`, { cwd: fresh, env: { TYCHOC_CACHE: join(fresh, '.cache') } });
    expect([none.registry, rendered(none.diagnostics, fresh)]).toEqual([undefined, [`error TYC0805 cannot fetch registry ${base}/r/apps.yaml: HTTP 500 Internal Server Error`]]);
  });
});
