import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, YAMLMap, YAMLSeq } from 'yaml';
import type { Diagnostic } from '../src/diagnostics.js';
import { loadProject } from '../src/frontend/load.js';
import { normalizeProject } from '../src/frontend/normalize/index.js';
import { loadPolicy } from '../src/frontend/policy.js';
import { loadFiles } from './registry/registry-files.js';

const root = new URL('..', import.meta.url).pathname;
const schemasDir = join(root, 'schemas');

/**
 * The schemas as an editor sees them: each known by its file name, so that a `$ref` between them
 * resolves as it does beside each other on disk (yaml-language-server resolves against the file).
 */
const ajv = new Ajv2020({ allErrors: true, strict: false });
for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.json') && f !== 'kubernetes-1.33.json')) {
  ajv.addSchema({ ...JSON.parse(readFileSync(join(schemasDir, file), 'utf8')), $id: file });
}
const validator = (file: string): ValidateFunction => ajv.getSchema(file)!;
const policySections = (JSON.parse(readFileSync(join(schemasDir, 'policy.schema.json'), 'utf8')) as { properties: object }).properties;

/** Problems of `value` against the schema, as `path message`, none when it is valid. */
function problems(file: string, value: unknown): string[] {
  const validate = validator(file);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A directory of its own holding one file, removed after the suite. */
function dirWith(name: string, text: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-editor-schemas-')));
  made.push(dir);
  writeFileSync(join(dir, name), text);
  return dir;
}

/** Compose's merge tags, read as what they tag. */
const mergeTags = ['!reset', '!override'].flatMap((tag) => [
  { tag, collection: 'map' as const, nodeClass: YAMLMap, resolve: (v: unknown) => v },
  { tag, collection: 'seq' as const, nodeClass: YAMLSeq, resolve: (v: unknown) => v },
  { tag, resolve: (v: string) => v },
]);

/** A YAML file as data, as an editor reads it; an empty file is an empty mapping. */
function readYaml(text: string): unknown {
  return parse(text, { merge: true, customTags: mergeTags as never }) ?? {};
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'expected' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)]));
}

const fixtureFiles = walk(join(root, 'fixtures')).map((f) => relative(root, f));
/** A fixture named error-* shows a rejected file; its other files may be wrong on purpose. */
const inErrorFixture = (f: string) => /^fixtures\/error-/.test(f);

/** Which schema a fixture file is checked against, by its name. */
function schemaOfFixture(file: string): string | undefined {
  const name = basename(file);
  if (name.endsWith('.policy.yaml')) return 'policy.schema.json';
  if (name === 'apps.yaml') return 'registry.schema.json';
  if (file === 'fixtures/topology/nodes.yaml') return 'topology.schema.json';
  if (/^(compose.*|services)\.ya?ml$/.test(name)) return 'compose.schema.json';
  return undefined;
}

/** The README's YAML examples, each with the schema it is an example of (by its top-level keys). */
function readmeExamples(): { line: number; schema?: string; text: string }[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const blocks: { line: number; schema?: string; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```yaml') continue;
    const end = lines.indexOf('```', i + 1);
    const text = lines.slice(i + 1, end).join('\n');
    const modeline = /# yaml-language-server: \$schema=\S*?([^/\s]+\.json)/.exec(text)?.[1];
    const keys = Object.keys(readYaml(text) as object);
    // Other blocks are other tools' files: manifests, kustomizations, KRM function configs.
    const schema = modeline
      ?? (keys.includes('kind') ? undefined
        : keys.includes('services') ? 'compose.schema.json'
        : keys.includes('contexts') ? 'registry.schema.json'
        : keys.includes('nodes') ? 'topology.schema.json'
        : keys.length > 0 && keys.every((k) => k in policySections) ? 'policy.schema.json'
        : undefined);
    blocks.push({ line: i + 2, ...(schema ? { schema } : {}), text });
    i = end;
  }
  return blocks;
}

describe('the schemas published for editors', () => {
  it('accept every file of the fixtures that is not an example of an error', () => {
    const checked = fixtureFiles.filter((f) => !inErrorFixture(f) && schemaOfFixture(f));
    expect(checked.length).toBeGreaterThan(60);
    const failures = checked.flatMap((f) => problems(schemaOfFixture(f)!, readYaml(readFileSync(join(root, f), 'utf8'))).map((p) => `${f}: ${p}`));
    expect(failures).toEqual([]);
  });

  it('accept the README\'s examples', () => {
    const examples = readmeExamples().filter((b) => b.schema);
    expect(new Set(examples.map((b) => b.schema))).toEqual(new Set(['compose.schema.json', 'policy.schema.json', 'registry.schema.json', 'topology.schema.json']));
    const failures = examples.flatMap((b) => problems(b.schema!, readYaml(b.text)).map((p) => `README.md:${b.line} (${b.schema}): ${p}`));
    expect(failures).toEqual([]);
  });

  it('reject the invalid policy and the invalid x-tycho blocks of the error fixtures', () => {
    expect(problems('policy.schema.json', readYaml(readFileSync(join(root, 'fixtures/error-invalid-policy/tycho.policy.yaml'), 'utf8')))).toEqual([
      '/volumes must NOT have additional properties',
      '/volumes/binds must be equal to one of the allowed values',
      '/security/allowPrivileged must be boolean',
    ]);
    for (const fixture of ['error-invalid-settings', 'error-shards']) {
      const compose = readYaml(readFileSync(join(root, 'fixtures', fixture, 'compose.yaml'), 'utf8'));
      expect(problems('compose.schema.json', compose).filter((p) => p.includes('/x-tycho/')).length, fixture).toBeGreaterThan(0);
    }
  });

  it('give compose files x-tycho on top of the Compose Specification', () => {
    expect(problems('compose.schema.json', { services: { web: { image: 'nginx', 'x-tycho': { expose: 'NodePort' } } } })).toEqual([]);
    expect(problems('compose.schema.json', { services: { web: { image: 'nginx', 'x-tycho': { expos: 'NodePort' } } } })).toEqual(['/services/web/x-tycho must NOT have additional properties']);
    expect(problems('compose.schema.json', { services: { web: { image: 'nginx', restart: 3 } } })).toContain('/services/web/restart must be string');
  });

  it('use only keywords yaml-language-server knows (draft-07, with $defs as plain JSON pointers) where editors complete', () => {
    const draft07 = new Set(['$schema', '$id', '$ref', '$defs', 'title', 'description', 'type', 'enum', 'const', 'properties', 'patternProperties', 'additionalProperties',
      'required', 'items', 'minItems', 'uniqueItems', 'minimum', 'maximum', 'exclusiveMinimum', 'minLength', 'maxLength', 'pattern', 'anyOf', 'allOf', 'oneOf', 'minProperties', 'propertyNames']);
    const keywords = (node: unknown, inProperties = false): string[] =>
      node === null || typeof node !== 'object' ? []
      : Array.isArray(node) ? node.flatMap((n) => keywords(n))
      : Object.entries(node).flatMap(([k, v]) => [
        ...(inProperties ? [] : [k]),
        ...keywords(v, !inProperties && ['properties', 'patternProperties', '$defs'].includes(k)),
      ]);
    for (const file of ['x-tycho.schema.json', 'compose.schema.json', 'policy.schema.json']) {
      const unknown = keywords(JSON.parse(readFileSync(join(schemasDir, file), 'utf8'))).filter((k) => !draft07.has(k));
      expect(unknown, file).toEqual([]);
    }
  });
});

/** The error diagnostics of normalizing a compose file whose service `a` has this x-tycho block. */
function loaderErrors(xTycho: string): string[] {
  const dir = dirWith('compose.yaml', `services:\n  a:\n    image: x\n    x-tycho:\n${xTycho.replace(/^/gm, '      ')}\n`);
  const diagnostics: Diagnostic[] = [];
  const project = loadProject({ files: ['compose.yaml'], cwd: dir, env: { PORT: '8080', EXPOSE: 'NodePort' }, projectName: 'demo' }, diagnostics);
  normalizeProject(project!, {}, diagnostics);
  return diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

function schemaAccepts(file: string, xTycho: string): boolean {
  return problems(file, readYaml(xTycho)).length === 0;
}

/** Every diagnostic of normalizing such a file, warnings included, as `CODE message`. */
function loaderDiagnostics(xTycho: string): string[] {
  const dir = dirWith('compose.yaml', `services:\n  a:\n    image: x\n    volumes: [data:/data]\n    x-tycho:\n${xTycho.replace(/^/gm, '      ')}\nvolumes: {data: {}}\n`);
  const diagnostics: Diagnostic[] = [];
  normalizeProject(loadProject({ files: ['compose.yaml'], cwd: dir, env: {}, projectName: 'demo' }, diagnostics)!, {}, diagnostics);
  return diagnostics.map((d) => `${d.code} ${d.message}`);
}

describe('x-tycho.schema.json agrees with the compiler', () => {
  it('describes the keys the README lists, each of which the compiler reads without a word', () => {
    const keys = Object.keys((JSON.parse(readFileSync(join(schemasDir, 'x-tycho.schema.json'), 'utf8')) as { properties: object }).properties).sort();
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| `x-tycho` key |')).split('\n\n')[0]!;
    expect([...table.matchAll(/^\| `([a-z_]+):/gm)].map((m) => m[1]).sort()).toEqual(keys);
    const samples: Record<string, string> = {
      expose: 'NodePort', volume_size: '5Gi', storage_class: 'fast', controller: 'statefulset', fs_group: '2000', service_account: 'deployer',
      probe: '{tcp: {port: 80}}', proxy_rewrite: 'true', shards: '{count: 2, granularity: node}',
    };
    for (const key of keys) {
      expect(schemaAccepts('x-tycho.schema.json', `${key}: ${samples[key]}`), key).toBe(true);
      expect(loaderDiagnostics(`${key}: ${samples[key]}`), key).toEqual([]);
    }
  });

  const agreed: [string, boolean][] = [
    ['expose: NodePort', true],
    ['expose: nodeport', true],
    ['expose: Public', false],
    ['expose: "${EXPOSE}"', true],
    ['controller: statefulset', true],
    ['controller: cronjob', false],
    ['fs_group: 2000', true],
    ['fs_group: "2000"', true],
    ['fs_group: wheel', false],
    ['fs_group: -1', false],
    ['service_account: deployer', true],
    ['service_account: Deployer_1', false],
    ['probe: {http: {path: /health, port: 8080}}', true],
    ['probe: {tcp: {port: "${PORT}"}}', true],
    ['probe: {http: {path: /health}}', false],
    ['probe: {tcp: {port: 70000}}', false],
    ['probe: {tcp: {port: "0"}}', false],
    ['probe: {}', false],
    ['proxy_rewrite: true', true],
    ['proxy_rewrite: /', true],
    ['proxy_rewrite: {prefix: "/u/{{service}}/", rewrite: /app/}', true],
    ['shards: {count: 4, granularity: node}', true],
    ['shards: {count: auto, granularity: core, cpus_per_shard: 2, memory_per_shard: 512M}', true],
    ['shards: {count: "3", granularity: node}', true],
    ['shards: {count: 0, granularity: node}', false],
    ['shards: {count: many, granularity: node}', false],
    ['shards: {granularity: numa, memory_per_shard: 1g}', false],
    ['shards: {cpus_per_shard: 1.5, memory_per_shard: 1g}', false],
    ['shards: {memory_per_shard: 0}', false],
    ['shards: {memory_per_shard: lots}', false],
    ['shards: [4, core]', false],
  ];
  it.each(agreed)('%s: accepted by both (%s) or rejected by both', (xTycho, valid) => {
    expect(loaderErrors(xTycho).length === 0, 'the compiler accepts it').toBe(valid);
    expect(schemaAccepts('x-tycho.schema.json', xTycho), 'the schema accepts it').toBe(valid);
  });

  // Where the compiler is lenient, the editor still nudges towards the documented spelling.
  const stricter = ['expose: NODEPORT', 'storage_class: 5', 'volume_size: lots', 'proxy_rewrite: 1', 'unknown_key: 1', 'shards: {count: 2, granularity: node, replicas: 2}'];
  it.each(stricter)('%s: accepted by the compiler (at most with a warning), flagged by the schema', (xTycho) => {
    expect(loaderErrors(xTycho)).toEqual([]);
    expect(schemaAccepts('x-tycho.schema.json', xTycho)).toBe(false);
  });
});

describe('policy.schema.json is what the policy loader validates with', () => {
  it.each([
    ['ports: {defaultType: NodePort}', true],
    ['ports: {defaultType: nodeport}', false],
    ['volumes: {size: 10Gi, binds: hostPath, allowedHostRoots: [/srv]}', true],
    ['volumes: {size: ten}', false],
    ['security: {allowedCapabilities: [net_admin]}', false],
    ['proxy: {output: httproute, gateway: infra/public}', true],
    ['proxy: {output: traefik}', false],
  ] as [string, boolean][])('%s', (text, valid) => {
    const dir = dirWith('tycho.policy.yaml', `${text}\n`);
    const diagnostics: Diagnostic[] = [];
    loadPolicy(undefined, dir, diagnostics);
    expect(diagnostics.length === 0, 'the loader accepts it').toBe(valid);
    expect(problems('policy.schema.json', readYaml(text)).length === 0, 'the schema accepts it').toBe(valid);
  });
});

describe('registry.schema.json is what the registry loader validates with', () => {
  const app = (fields: string) => `contexts:\n  common:\n    apps:\n      notebook: {compose: {path: c.yaml}, ${fields}}\n`;
  it.each([
    [app('maxAge: 1h30m, expose: {web: 8888}'), true],
    [app('maxAge: 90 minutes'), false],
    [app('resources: {max: {cpu: 500m, memory: 8GB}}'), false],
    [app('proxy: {service: web}'), false],
    [app('instances: 0'), false],
    ['settings: {namespace: Apps}\n' + app('probes: false'), false],
  ] as [string, boolean][])('%s', async (text, valid) => {
    const { messages } = await loadFiles({ 'apps.yaml': text, 'c.yaml': 'services: {web: {image: x}}\n' });
    expect(messages.length === 0, messages.join('\n')).toBe(valid);
    expect(problems('registry.schema.json', readYaml(text)).length === 0, 'the schema accepts it').toBe(valid);
  });
});
