import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../run-cli.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const example = join(fixtures, 'web-and-database');
const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;

describe('tychoc compile', () => {
  it('writes one file per object and a kustomization listing them with -o', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tychoc-out-'));
    const run = await runCli(['compile', '-o', out], example);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(readdirSync(out).sort()).toEqual([
      'db-deployment.yaml', 'db-service.yaml', 'kustomization.yaml', 'shop-db-data-persistentvolumeclaim.yaml', 'web-deployment.yaml', 'web-service.yaml',
    ]);
    const kustomization = parse(readFileSync(join(out, 'kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toEqual([
      'shop-db-data-persistentvolumeclaim.yaml', 'db-service.yaml', 'web-service.yaml', 'db-deployment.yaml', 'web-deployment.yaml',
    ]);
    // The files hold exactly the objects of the stdout stream.
    const stream = await runCli(['compile'], example);
    const docs = parseAllDocuments(stream.stdout).map((d) => d.toJS());
    expect(kustomization.resources.map((f: string) => parse(readFileSync(join(out, f), 'utf8')))).toEqual(docs);
  });

  it('takes -o - for standard output, not a directory named -', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tychoc-cwd-'));
    const run = await runCli(['compile', join(example, 'compose.yaml'), '-o', '-'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe((await runCli(['compile', join(example, 'compose.yaml')], dir)).stdout);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('plans shard counts left to a plan on the nodes of --topology, and refuses them without', async () => {
    const project = join(fixtures, 'topology');
    const planned = await runCli(['compile', '--topology', 'nodes.yaml', '-q'], project);
    expect(planned.stderr).toBe('');
    const sets = parseAllDocuments(planned.stdout).map((d) => d.toJS()).filter((m) => m.kind === 'StatefulSet');
    // 7 index shards of 2 CPUs fit the three schedulable nodes (see tychoc plan); the frontend asks for 2.
    expect(sets.map((m) => [m.metadata.name, m.spec.replicas])).toEqual([['frontend', 2], ['index', 7]]);
    const unplanned = await runCli(['compile', '-q'], project);
    expect(unplanned.code).toBe(1);
    expect(unplanned.stderr).toMatch(/compose\.yaml:9:9 error TYC0708 the shard count of service `index` is auto/);
  });

  it('writes JSON files with --format json -o', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tychoc-out-'));
    expect((await runCli(['compile', '--format', 'json', '-o', out], example)).code).toBe(0);
    const web = JSON.parse(readFileSync(join(out, 'web-deployment.json'), 'utf8'));
    expect(web).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
  });

  it('sets the namespace of every object with -n', async () => {
    const run = await runCli(['compile', '-n', 'shop-prod'], example);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.namespace)).toEqual(docs.map(() => 'shop-prod'));
  });

  it('gives the same bytes from another working directory and for an absolute path', async () => {
    const here = await runCli(['compile'], example);
    const elsewhere = await runCli(['compile', join(example, 'compose.yaml')], tmpdir());
    expect(elsewhere.stdout).toBe(here.stdout);
  });

  it('reads COMPOSE_FILE when no file is given', async () => {
    const run = await runCli(['compile'], fixtures, { COMPOSE_FILE: 'namespace-json/compose.yaml' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('name: cache');
  });

  it('says where it looked when no compose file is found', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tychoc-empty-'));
    const run = await runCli(['compile'], empty);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error TYC0106 no compose file given and none found in ${empty} or its parents (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)\n`);
  });

  it('hides warnings with --quiet but still fails on errors', async () => {
    const quiet = await runCli(['compile', '-q'], join(fixtures, 'dropped-keys'));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const failing = await runCli(['compile', '-q'], join(fixtures, 'error-unknown-key'));
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('TYC0301');
  });

  it.each([
    [['compile', '--format', 'toml'], /argument 'toml' is invalid/],
    [['compile', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runCli(args, example);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('the tychoc binary', () => {
  it('compiles standard input with `-`', () => {
    const stdout = execFileSync('node', [bin, 'compile', '-', '-p', 'piped'], {
      input: 'services:\n  api:\n    image: example/api:1\n    ports: ["8080"]\n',
      encoding: 'utf8',
    });
    expect(stdout).toContain('app.kubernetes.io/instance: piped');
    expect(stdout).toContain('containerPort: 8080');
  });

  it('reports bad input on stderr with exit 1 and no stack trace', () => {
    const run = spawnSync('node', [bin, 'compile', '-'], { input: 'services:\n  web:\n    image: [\n', encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^<stdin>:\d+:\d+ error TYC0101 /);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
