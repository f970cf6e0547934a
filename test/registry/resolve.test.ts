import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveApps, type Registry, type ResolvedApp } from '../../src/registry/registry.js';
import { COMPOSE, loadClean, loadFiles, rendered } from './registry-files.js';

/** The apps of `context`, which must resolve without diagnostics. */
function apps(registry: Registry, context?: string): Map<string, ResolvedApp> {
  const { apps, diagnostics } = resolveApps(registry, context);
  expect(diagnostics).toEqual([]);
  return new Map(apps);
}

/** One registry that sets one key at every layer, so that each step of the merge order shows. */
const LAYERED = [
  'defaults:',
  '  securityContext: {runAsUser: 1000}',
  '  probes: false',
  '  instances: 3',
  '  maxAge: 8h',
  '  env: {FROM_DEFAULTS: "1", LAYER: defaults}',
  '  resources: {max: {cpu: "2", memory: 4Gi}}',
  'contexts:',
  '  base:',
  '    apps:',
  '      app:',
  '        compose: {path: c.yaml}',
  '        instances: 2',
  '        env: {FROM_BASE: "1", LAYER: base}',
  '  left:',
  '    extends: [base]',
  '    apps:',
  '      app: {idle: 1h, env: {LAYER: left}, instances: 5}',
  '  right:',
  '    extends: [base]',
  '    apps:',
  '      app: {idle: 2h, docs: https://example.org/right}',
  '  gpu:',
  '    extends: [base]',
  '    apps:',
  '      app: {resources: {max: {gpus: 1}}, env: {LAYER: gpu}}',
  '      trainer: {compose: {path: c.yaml}}',
  '  top:',
  '    extends: [left, right]',
  '    mixin: [gpu]',
  '    apps:',
  '      app: {resources: {max: {cpu: "8"}}}',
  '',
].join('\n');

describe('the merge order, key by key', () => {
  it('starts every app from the built-in defaults', async () => {
    const { registry, dir } = await loadClean({ 'apps.yaml': 'contexts:\n  a:\n    apps:\n      bare: {compose: {path: c.yaml}}\n', 'c.yaml': COMPOSE });
    expect(apps(registry).get('bare')).toEqual({
      id: 'bare',
      context: 'a',
      name: 'bare',
      compose: { path: join(dir, 'c.yaml') },
      env: {},
      expose: {},
      resources: { defaults: {}, max: {} },
      gpu: { resource: 'nvidia.com/gpu', toleration: true },
      probes: true,
      pos: { file: join(dir, 'apps.yaml'), line: 4, col: 7 },
    });
  });

  it('lays the registry defaults over the built-in ones', async () => {
    const { registry } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const app = apps(registry, 'base').get('app')!;
    expect([app.probes, app.securityContext, app.maxAgeMs, app.resources.max, app.gpu]).toEqual([false, { runAsUser: 1000 }, 8 * 3_600_000, { cpu: '2', memory: '4Gi' }, { resource: 'nvidia.com/gpu', toleration: true }]);
  });

  it('lays a context\'s own entry over the defaults, merging mappings', async () => {
    const { registry } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const app = apps(registry, 'base').get('app')!;
    expect([app.instances, app.env]).toEqual([2, { FROM_DEFAULTS: '1', FROM_BASE: '1', LAYER: 'base' }]);
  });

  it('lays what a context extends over the defaults, the later of two over the earlier', async () => {
    const { registry } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const app = apps(registry, 'top').get('app')!;
    // right's idle over left's; left's instances over base's, as base comes once, first (neither
    // right, which extends it too, nor the mixin gpu, whose extends a mixin does not bring, lays it again).
    expect([app.idleMs, app.docs, app.instances, app.env['FROM_BASE']]).toEqual([2 * 3_600_000, 'https://example.org/right', 5, '1']);
  });

  it('lays the mixins over what is inherited, bringing their own apps too', async () => {
    const { registry } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const top = apps(registry, 'top');
    expect(top.get('app')!.env['LAYER']).toBe('gpu');
    expect(top.get('app')!.resources.max.gpus).toBe(1);
    expect([...top.keys()]).toEqual(['app', 'trainer']);
  });

  it('lays the context\'s own entry last', async () => {
    const { registry, dir } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const app = apps(registry, 'top').get('app')!;
    expect(app.resources.max).toEqual({ cpu: '8', memory: '4Gi', gpus: 1 });
    // Its position is its key in the last context that wrote it.
    expect(app.pos).toEqual({ file: join(dir, 'apps.yaml'), line: 32, col: 7 });
    expect(apps(registry, 'left').get('app')!.pos.line).toBe(18);
  });

  it('removes an inherited app or key with !reset, and starts one anew with !override', async () => {
    const { registry } = await loadClean({
      'apps.yaml': [
        'defaults: {instances: 3}',
        'contexts:',
        '  base:',
        '    apps:',
        '      kept: {compose: {path: c.yaml}, instances: 1, env: {A: a}, gpu: {resource: example.com/gpu}}',
        '      gone: {compose: {path: c.yaml}}',
        '      anew: {compose: {path: c.yaml}, description: old, instances: 1}',
        '  derived:',
        '    extends: [base]',
        '    apps:',
        '      kept: {instances: !reset, env: !override {B: b}, gpu: !reset}',
        '      gone: !reset',
        '      anew: !override {compose: {path: c.yaml}}',
        '',
      ].join('\n'),
      'c.yaml': COMPOSE,
    });
    const derived = apps(registry, 'derived');
    expect([...derived.keys()]).toEqual(['kept', 'anew']);
    expect([derived.get('kept')!.instances, derived.get('kept')!.env, derived.get('kept')!.gpu.resource]).toEqual([undefined, { B: 'b' }, 'nvidia.com/gpu']);
    expect([derived.get('anew')!.description, derived.get('anew')!.instances]).toEqual([undefined, 3]);
  });

  it('shares nothing between contexts or calls', async () => {
    const { registry } = await loadClean({ 'apps.yaml': LAYERED, 'c.yaml': COMPOSE });
    const first = apps(registry, 'base');
    (first.get('app')!.env as Record<string, string>)['LEAKED'] = 'yes';
    (first.get('app')!.resources.max as Record<string, unknown>)['cpu'] = '64';
    apps(registry, 'top');
    const again = apps(registry, 'base');
    expect(again.get('app')!.env['LEAKED']).toBeUndefined();
    expect(again.get('app')!.resources.max.cpu).toBe('2');
    expect([...apps(registry, 'base').keys()]).toEqual(['app']);
  });
});

describe('resolving a context', () => {
  it('uses the first context unless TYCHOC_CONTEXT names another, and reports an unknown one', async () => {
    const files = { 'apps.yaml': LAYERED, 'c.yaml': COMPOSE };
    expect((await loadClean(files)).registry.defaultContext).toBe('base');
    const { registry, dir } = await loadClean(files, { env: { TYCHOC_CONTEXT: 'gpu' } });
    expect(registry.defaultContext).toBe('gpu');
    expect([...apps(registry).keys()]).toEqual(['app', 'trainer']);
    const unknown = resolveApps(registry, 'tops');
    expect(unknown.apps.size).toBe(0);
    expect(rendered(unknown.diagnostics, dir)).toEqual(['apps.yaml:8:1 error TYC0802 `tops` is not a context of the registry; did you mean `top`?']);
    expect((await loadFiles(files, { env: { TYCHOC_CONTEXT: 'research' } })).messages).toEqual([
      'apps.yaml:8:1 error TYC0802 TYCHOC_CONTEXT="research" is not a context of the registry; contexts: base, left, right, gpu, top',
    ]);
  });

  it('leaves out, and reports, an app without a compose file, a missing file, or defaults above the maximum', async () => {
    const { registry, dir } = await loadClean({
      'apps.yaml': [
        'contexts:',
        '  a:',
        '    apps:',
        '      fine: {compose: {path: c.yaml}}',
        '      none: {description: no compose file}',
        '      missing: {compose: {path: nowhere/compose.yaml}}',
        '      greedy:',
        '        compose: {path: c.yaml}',
        '        resources: {defaults: {cpu: 1500m, memory: 2Gi, gpus: 2}, max: {cpu: "1", memory: 2048Mi, gpus: 1}}',
        '',
      ].join('\n'),
      'c.yaml': COMPOSE,
    });
    const { apps: resolved, diagnostics } = resolveApps(registry);
    expect([...resolved.keys()]).toEqual(['fine']);
    expect(rendered(diagnostics, dir)).toEqual([
      'apps.yaml:5:7 error TYC0807 app `none` of context `a` names no compose file: give it `compose:` with `{repository, path}`, `{path}` or `{inline}`',
      'apps.yaml:6:17 error TYC0805 compose file ./nowhere/compose.yaml of app `missing` of context `a`: no such file',
      'apps.yaml:9:32 error TYC0801 app `greedy` of context `a`: `resources.defaults.cpu` 1500m is more than `resources.max.cpu` 1',
      'apps.yaml:9:57 error TYC0801 app `greedy` of context `a`: `resources.defaults.gpus` 2 is more than `resources.max.gpus` 1',
    ]);
  });

  it('reads quantities and durations as written, numbers included', async () => {
    const { registry } = await loadClean({
      'apps.yaml': 'contexts:\n  a:\n    apps:\n      x: {compose: {path: c.yaml}, resources: {defaults: {cpu: 0.5, memory: 1073741824}}, maxAge: 1h30m, idle: 90s, env: {N: 3, B: true}}\n',
      'c.yaml': COMPOSE,
    });
    const x = apps(registry).get('x')!;
    expect([x.resources.defaults, x.maxAgeMs, x.idleMs, x.env]).toEqual([{ cpu: '0.5', memory: '1073741824' }, 5_400_000, 90_000, { N: '3', B: 'true' }]);
  });
});
