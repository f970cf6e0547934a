import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../src/compile.js';
import { loadRegistry, resolveApps, type ResolvedApp } from '../../src/registry/registry.js';
import { COMPOSE, loadClean, loadFiles, registryDir, rendered } from './registry-files.js';

const sample = new URL('../../fixtures/registry/', import.meta.url).pathname;

/** Compiles an app's compose file as a launch would: its env over the `.env` beside it. */
function compileApp(app: ResolvedApp): CompileResult {
  if ('path' in app.compose) return compile({ files: [app.compose.path], cwd: dirname(app.compose.path), env: { ...app.env } });
  const dir = mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-inline-'));
  writeFileSync(join(dir, 'compose.yaml'), app.compose.text);
  return compile({ files: ['compose.yaml'], cwd: dir, env: { ...app.env }, projectName: app.id });
}

describe('the sample registry (fixtures/registry)', () => {
  it('loads with its settings and contexts, and every app compiles', async () => {
    const { registry, diagnostics } = await loadRegistry(join(sample, 'apps.yaml'), { cwd: '/', env: {} });
    expect(diagnostics).toEqual([]);
    expect(registry!.settings).toEqual({ namespace: 'apps', home: { claim: 'homes', mountPath: '/home', shared: 'shared' }, proxyPrefix: '/private/{{app}}/{{username}}/{{sid}}/' });
    expect(registry!.contextNames).toEqual({ common: 'Common apps', gpu: 'GPU apps', research: 'Research' });
    const byContext = Object.fromEntries(registry!.contexts.map((c) => [c, resolveApps(registry!, c)]));
    expect(Object.fromEntries(Object.entries(byContext).map(([c, r]) => [c, [...r.apps.keys()], ...[]]))).toEqual({
      common: ['notebook', 'shop'],
      gpu: ['trainer'],
      research: ['notebook', 'shop', 'trainer', 'hello'],
    });
    for (const { apps, diagnostics: ds } of Object.values(byContext)) {
      expect(ds).toEqual([]);
      for (const app of apps.values()) expect(compileApp(app).diagnostics.map((d) => `${app.id}: ${d.code} ${d.message}`)).toEqual([]);
    }
    const research = byContext['research']!.apps;
    expect(research.get('notebook')!.resources.max).toEqual({ cpu: '4', memory: '8Gi', gpus: 0 });
    expect(research.get('notebook')!.proxy).toEqual({ service: 'notebook', port: 8080, rewrite: '/' });
    expect(research.get('trainer')!.resources).toEqual({ defaults: { cpu: '500m', memory: '512Mi', gpus: 1 }, max: { cpu: '8', memory: '16Gi', gpus: 1 } });
    // The registry's DB_PASSWORD wins over the .env beside the compose file, whose DB_NAME stays.
    const shop = JSON.stringify(compileApp(research.get('shop')!).manifests);
    expect([shop.includes('s3cret'), shop.includes('from-dotenv'), shop.includes('"shop"')]).toEqual([true, false, true]);
  });
});

describe('compose sources', () => {
  it('finds a file in a repository (relative, absolute or a file: URL) or beside apps.yaml', async () => {
    const dir = registryDir({ 'elsewhere/web/compose.yaml': COMPOSE });
    const { registry, dir: home } = await loadClean({
      'apps.yaml': [
        'repositories:',
        '  relative: {url: ./apps}',
        `  absolute: {url: ${join(dir, 'elsewhere')}}`,
        `  url: {url: "${pathToFileURL(join(dir, 'elsewhere')).href}"}`,
        'contexts:',
        '  a:',
        '    apps:',
        '      one: {compose: {repository: relative, path: one/compose.yaml}}',
        '      two: {compose: {repository: absolute, path: web/compose.yaml}}',
        '      three: {compose: {repository: url, path: ./web/compose.yaml}}',
        '      four: {compose: {path: ../four.yaml}}',
        '',
      ].join('\n'),
      'apps/one/compose.yaml': COMPOSE,
    });
    writeFileSync(join(home, '..', 'four.yaml'), COMPOSE);
    const composes = [...resolveApps(registry).apps.values()].map((a) => a.compose);
    expect(composes).toEqual([
      { path: join(home, 'apps/one/compose.yaml') },
      { path: join(dir, 'elsewhere/web/compose.yaml') },
      { path: join(dir, 'elsewhere/web/compose.yaml') },
      { path: join(home, '../four.yaml') },
    ]);
  });

  it('gives an inline compose file as text that keeps its lines and columns in apps.yaml', async () => {
    const yaml = [
      'contexts:',
      '  a:',
      '    apps:',
      '      block:',
      '        compose:',
      '          inline:',
      '            services:',
      '              web:',
      '                imagee: nginx:1.27',
      '      flow:',
      '        compose: {inline: {services: {web: {image: nginx:1.27, portz: ["80"]}}}}',
      '',
    ].join('\n');
    const { registry, dir } = await loadClean({ 'apps.yaml': yaml });
    const apps = resolveApps(registry).apps;
    for (const [id, where] of [['block', '9:17'], ['flow', '11:64']] as const) {
      const app = apps.get(id)!;
      expect(app.compose).toEqual({ text: expect.any(String), name: join(dir, 'apps.yaml') });
      const errors = compileApp(app).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => `${d.pos!.line}:${d.pos!.col} ${d.code}`)).toEqual([`${where} TYC0301`]);
    }
  });

  it('writes an inline compose file anew when it leans on an anchor outside it', async () => {
    const { registry, dir } = await loadClean({
      'apps.yaml': 'x-image: &image nginx:1.27\ncontexts:\n  a:\n    apps:\n      web: {compose: {inline: {services: {web: {image: *image}}}}}\n',
    });
    expect(resolveApps(registry).apps.get('web')!.compose).toEqual({ text: 'services:\n  web:\n    image: nginx:1.27\n', name: `${join(dir, 'apps.yaml')}:5:31` });
  });

  it('reports an unknown repository, a path leaving its repository, and a URL it cannot fetch from', async () => {
    const { messages } = await loadFiles({
      'apps.yaml': [
        'repositories:',
        '  local: {url: ./apps}',
        '  odd: {url: "ftp://example.org/apps"}',
        'contexts:',
        '  a:',
        '    apps:',
        '      one: {compose: {repository: locl, path: one.yaml}}',
        '      two: {compose: {repository: local, path: ../two.yaml}}',
        '      three: {compose: {repository: local, path: /etc/three.yaml}}',
        '      four: {compose: {path: "gopher://example.org/four.yaml"}}',
        '',
      ].join('\n'),
    });
    expect(messages).toEqual([
      'apps.yaml:3:14 error TYC0801 repository `odd`: "ftp://example.org/apps" is neither a path nor an http(s) or file URL',
      'apps.yaml:7:35 error TYC0804 `locl` is not a repository, did you mean `local`?',
      "apps.yaml:8:48 error TYC0801 compose path \"../two.yaml\" leaves repository `local`: give a path inside it, without '..' or a leading '/'",
      "apps.yaml:9:50 error TYC0801 compose path \"/etc/three.yaml\" leaves repository `local`: give a path inside it, without '..' or a leading '/'",
      'apps.yaml:10:30 error TYC0801 compose path "gopher://example.org/four.yaml" is neither a path nor an http(s) or file URL',
    ]);
  });
});

describe('the registry file', () => {
  it('is apps.yaml in the working directory, else TYCHOC_REGISTRY, else the one named', async () => {
    const dir = registryDir({
      'apps.yaml': 'contexts: {here: {}}\n',
      'other/registry.yaml': 'contexts: {there: {}}\n',
      'third.yaml': 'contexts: {named: {}}\n',
    });
    const contexts = async (source: string | undefined, env: Record<string, string> = {}) => (await loadRegistry(source, { cwd: dir, env })).registry!.contexts;
    expect(await contexts(undefined)).toEqual(['here']);
    expect(await contexts(undefined, { TYCHOC_REGISTRY: 'other/registry.yaml' })).toEqual(['there']);
    expect(await contexts(undefined, { TYCHOC_REGISTRY: '' })).toEqual(['here']);
    expect(await contexts('third.yaml', { TYCHOC_REGISTRY: 'other/registry.yaml' })).toEqual(['named']);
    const missing = await loadRegistry('nowhere.yaml', { cwd: dir, env: {} });
    expect([missing.registry, rendered(missing.diagnostics, dir)]).toEqual([undefined, [`error TYC0104 cannot read registry file ${join(dir, 'nowhere.yaml')}: no such file`]]);
  });
});

describe('environment overrides', () => {
  const FILE = 'settings:\n  namespace: apps\n  home: {claim: homes, shared: shared}\n  proxyPrefix: /apps/{{app}}/\ncontexts: {a: {}}\n';

  it('replace the settings of the file', async () => {
    expect((await loadClean({ 'apps.yaml': FILE })).registry.settings).toEqual({ namespace: 'apps', home: { claim: 'homes', mountPath: '/home', shared: 'shared' }, proxyPrefix: '/apps/{{app}}/' });
    const env = { TYCHOC_NAMESPACE: 'research', TYCHOC_HOME_CLAIM: 'user-homes', TYCHOC_PROXY_PREFIX: '/u/{{username}}/{{sid}}/' };
    expect((await loadClean({ 'apps.yaml': FILE }, { env })).registry.settings).toEqual({
      namespace: 'research',
      home: { claim: 'user-homes', mountPath: '/home', shared: 'shared' },
      proxyPrefix: '/u/{{username}}/{{sid}}/',
    });
    expect((await loadClean({ 'apps.yaml': 'contexts: {a: {}}\n' }, { env: { TYCHOC_HOME_CLAIM: 'homes', TYCHOC_NAMESPACE: '' } })).registry.settings).toEqual({ home: { claim: 'homes', mountPath: '/home' } });
  });

  it('are checked, and reported at the setting they replace', async () => {
    const env = { TYCHOC_NAMESPACE: 'Research', TYCHOC_HOME_CLAIM: 'user homes', TYCHOC_PROXY_PREFIX: '/u/{{user}}/' };
    expect((await loadFiles({ 'apps.yaml': FILE }, { env })).messages).toEqual([
      "apps.yaml:2:3 error TYC0801 TYCHOC_NAMESPACE=\"Research\" is not a namespace name (a DNS label: lowercase letters, digits and '-')",
      "apps.yaml:3:10 error TYC0801 TYCHOC_HOME_CLAIM=\"user homes\" is not a claim name (a DNS subdomain: lowercase letters, digits, '-' and '.')",
      'apps.yaml:4:3 error TYC0801 the proxy prefix template of TYCHOC_PROXY_PREFIX is invalid: `user` is not a template variable (line 1)',
    ]);
    expect((await loadFiles({ 'apps.yaml': 'contexts: {a: {}}\n' }, { env: { TYCHOC_NAMESPACE: 'Research' } })).messages).toEqual([
      "apps.yaml:1:1 error TYC0801 TYCHOC_NAMESPACE=\"Research\" is not a namespace name (a DNS label: lowercase letters, digits and '-')",
    ]);
    expect((await loadFiles({ 'apps.yaml': 'settings: {proxyPrefix: "/boards/{{#if sid}}{{sid}}"}\ncontexts: {a: {}}\n' })).messages).toEqual([
      "apps.yaml:1:12 error TYC0801 the proxy prefix template of `settings.proxyPrefix` is invalid: Parse error on line 1: expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK', got 'EOF'",
    ]);
  });
});
