import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { peerTool } from '../peer-tool.js';

const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;

// `tychoc` on PATH, as an installed package puts it there: the function config names it so.
const pathDir = mkdtempSync(join(tmpdir(), 'tychoc-krm-bin-'));
writeFileSync(join(pathDir, 'tychoc'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} "$@"\n`);
chmodSync(join(pathDir, 'tychoc'), 0o755);
const env = { PATH: `${pathDir}:/usr/bin:/bin`, HOME: tmpdir() };

const compose = `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  cache:
    image: redis:7
`;
const spec = { files: ['compose.yaml'], projectName: 'shop', serviceType: 'NodePort' };
const functionConfig = {
  apiVersion: 'tychoc.io/v1alpha1',
  kind: 'ComposeProject',
  metadata: { name: 'shop', annotations: { 'config.kubernetes.io/function': 'exec:\n  path: tychoc\n  args: [krm]\n' } },
  spec,
};
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'on' } };

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-krm-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

type Obj = { kind: string; metadata: { name: string } };
const byKindAndName = (a: Obj, b: Obj) => a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name);
const objects = (stream: string) => (parseAllDocuments(stream).map((d) => d.toJS()) as Obj[]).sort(byKindAndName);

const dir = project({ 'compose.yaml': compose });
const compiled = spawnSync(process.execPath, [bin, 'compile', '-p', 'shop', '--service-type', 'NodePort', 'compose.yaml'], { cwd: dir, env, encoding: 'utf8' });

function krm(cwd: string, input: unknown) {
  return spawnSync(process.execPath, [bin, 'krm'], { cwd, env, input: stringify(input), encoding: 'utf8' });
}

describe('tychoc krm', () => {
  it('keeps the input items and appends the objects compile prints for the function config', () => {
    expect(compiled.status).toBe(0);
    const run = krm(dir, { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [configMap], functionConfig });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = parse(run.stdout);
    expect(out).toMatchObject({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList' });
    expect(out.results).toBeUndefined();
    expect(out.items).toEqual([configMap, ...parseAllDocuments(compiled.stdout).map((d) => d.toJS())]);
  });

  it('reports diagnostics as results with the file, line and code, keeps the items and exits 1', () => {
    const bad = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:eighty"]\n' });
    const run = krm(bad, { apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [configMap], functionConfig });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^compose\.yaml:4:13 error TYC0503 invalid ports entry "80:eighty"/);
    expect(parse(run.stdout)).toEqual({
      apiVersion: 'config.kubernetes.io/v1',
      kind: 'ResourceList',
      items: [configMap],
      results: [{
        severity: 'error',
        message: 'TYC0503 invalid ports entry "80:eighty": expected [[IP:]HOST:]CONTAINER[/PROTOCOL] with ports 1-65535',
        file: { path: 'compose.yaml' },
        tags: { code: 'TYC0503', line: '4', column: '13' },
      }],
    });
  });

  it('reports a function config key that is none of compile\'s flags, or a value compile refuses', () => {
    const unknown = krm(dir, { kind: 'ResourceList', items: [], functionConfig: { ...functionConfig, spec: { ...spec, colour: 'blue' } } });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('tychoc krm: unknown functionConfig spec.colour (known: files, file, projectName, projectDirectory, envFile, profile, imagePrefix, policy, serviceType, strict, namespace, sid, username, bindMounts, networkPolicies, proxyOutput, templates, quiet)\n');
    expect(parse(unknown.stdout).results).toEqual([{ severity: 'error', message: unknown.stderr.replace(/^tychoc krm: /, '').trim() }]);
    const refused = krm(dir, { kind: 'ResourceList', items: [], functionConfig: { ...functionConfig, spec: { ...spec, serviceType: 'Nodeport' } } });
    expect(refused.stderr).toBe("tychoc krm: functionConfig spec.serviceType argument 'Nodeport' is invalid. Allowed choices are ClusterIP, NodePort, LoadBalancer, Headless.\n");
    const stdin = krm(dir, { kind: 'ResourceList', items: [], functionConfig: { ...functionConfig, spec: { files: ['-'] } } });
    expect(stdin.stderr).toBe('tychoc krm: functionConfig spec names standard input (-) as a compose file; it is the ResourceList\n');
  });

  it('refuses standard input that is not a ResourceList', () => {
    const run = spawnSync(process.execPath, [bin, 'krm'], { cwd: dir, env, input: 'kind: ConfigMap\n', encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('tychoc krm: standard input is not a ResourceList (config.kubernetes.io/v1)\n');
  });
});

describe('tychoc krm under kustomize build --enable-alpha-plugins --enable-exec', () => {
  const kustomize = peerTool('kustomize');
  if (!kustomize) return;
  // A patch of kustomize's own on top of the generated objects: the function composes with the rest.
  const replicas = 'patches:\n  - target: {kind: Deployment, name: web}\n    patch: |\n      - {op: replace, path: /spec/replicas, value: 3}\n';
  const patched = (objs: Obj[]) => objs.map((o) => (o.kind === 'Deployment' && o.metadata.name === 'web' ? { ...o, spec: { ...(o as { spec: object }).spec, replicas: 3 } } : o));
  const build = (cwd: string) => spawnSync(kustomize, ['build', '--enable-alpha-plugins', '--enable-exec', cwd], { env, encoding: 'utf8' });

  it('generates the objects of a plain compile as a generator, and kustomize patches them', () => {
    const root = project({ 'compose.yaml': compose, 'app.yaml': stringify(functionConfig), 'kustomization.yaml': `generators:\n  - app.yaml\n${replicas}` });
    const run = build(root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(objects(run.stdout)).toEqual(patched(objects(compiled.stdout)));
  });

  it('appends them to the kustomization\'s resources as a transformer', () => {
    const root = project({ 'compose.yaml': compose, 'app.yaml': stringify(functionConfig), 'settings.yaml': stringify(configMap), 'kustomization.yaml': `resources:\n  - settings.yaml\ntransformers:\n  - app.yaml\n` });
    const run = build(root);
    expect(run.stderr).toBe('');
    expect(objects(run.stdout)).toEqual([configMap as Obj, ...objects(compiled.stdout)].sort(byKindAndName));
  });

  it('builds the README\'s example', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Kustomize\n'), readme.indexOf('\n## ', readme.indexOf('\n## Kustomize\n') + 1));
    const [app, kustomization] = [...section.matchAll(/```yaml\n([^]*?)```/g)].map((m) => m[1]!);
    const run = build(project({ 'compose.yaml': compose, 'app.yaml': app!, 'kustomization.yaml': kustomization! }));
    expect(run.stderr).toBe('');
    expect(objects(run.stdout)).toEqual(patched(objects(compiled.stdout)));
  });

  it('fails the build with the diagnostics on stderr for a bad compose file', () => {
    const root = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:eighty"]\n', 'app.yaml': stringify(functionConfig), 'kustomization.yaml': 'generators:\n  - app.yaml\n' });
    const run = build(root);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^compose\.yaml:4:13 error TYC0503 invalid ports entry "80:eighty"[^]*Error: couldn't execute function: exit status 1\n/);
  });
});
