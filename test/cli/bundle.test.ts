import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../corpus-files.js';

// Users run the bundle through its launcher (the package's bin); the other tests run dist/. Both
// must write the same bytes for every input, whatever state the launcher's code cache is in.
const repo = new URL('../../', import.meta.url).pathname;
const dist = join(repo, 'dist/src/cli/bin.js');
const launcher = join(repo, 'dist/src/cli/launcher.cjs');
const work = mkdtempSync(join(tmpdir(), 'tychoc-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Every golden fixture compiled as `tychoc compile` (its own args aside), and the corpus; one
// input per output directory of --each (a corpus directory may hold two default-named files).
const fixtures = readdirSync(join(repo, 'fixtures'))
  .map((name) => join(repo, 'fixtures', name))
  .filter((dir) => existsSync(join(dir, 'compose.yaml')) && !existsSync(join(dir, 'args')));
const inputs = [...fixtures, ...corpusFiles()].filter((input, i, all) => all.findIndex((other) => outputKey(other) === outputKey(input)) === i);

function outputKey(input: string): string {
  return /\/(docker-)?compose\.ya?ml$/.test(input) ? dirname(input) : input.replace(/\.ya?ml$/, '');
}

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly files: Record<string, string>;
}

let runs = 0;
function compileAll(entry: string, cacheHome: string): Run {
  const out = join(work, `out-${runs++}`);
  const res = spawnSync(process.execPath, [entry, 'compile', '--each', ...inputs, '-o', out], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', HOME: work, XDG_CACHE_HOME: cacheHome },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { status: res.status, stderr: res.stderr, files: tree(out) };
}

function tree(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => statSync(join(dir, f)).isFile())
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'latin1')]),
  );
}

const cacheFiles = (home: string) => (existsSync(join(home, 'tychoc/code-cache')) ? readdirSync(join(home, 'tychoc/code-cache')).map((f) => join(home, 'tychoc/code-cache', f)) : []);

// Each case compiles every fixture and the corpus in one process: seconds, more on a loaded machine.
describe('the bundle and its launcher', { timeout: 180_000 }, () => {
  const reference = compileAll(dist, join(work, 'unused'));

  it('dist/ compiles every input into a directory of its own (the reference the launcher must match)', () => {
    expect(inputs.length).toBeGreaterThan(fixtures.length);
    const written = Object.keys(reference.files).filter((f) => f.endsWith('/kustomization.yaml'));
    expect(written.length).toBeGreaterThan(fixtures.length / 2);
    const plain = spawnSync(process.execPath, [dist, 'compile', '-o', join(work, 'plain'), join(repo, 'fixtures/ports-ranges-and-protocols/compose.yaml')], { encoding: 'utf8' });
    expect(plain.status).toBe(0);
    const own = Object.entries(reference.files).filter(([f]) => f.includes('fixtures/ports-ranges-and-protocols/'));
    expect(Object.fromEntries(own.map(([f, text]) => [f.replace(/.*\//, ''), text]))).toEqual(tree(join(work, 'plain')));
    expect(reference.status).toBe(1); // some fixtures and corpus files are errors by design
  });

  const home = join(work, 'cache');
  it('without a code cache: the same bytes, stderr and exit code; the cache is written after the run', () => {
    const run = compileAll(launcher, home);
    expect(run).toEqual(reference);
    // An exit code of 1 is no successful run: nothing is cached from it.
    expect(cacheFiles(home)).toEqual([]);
    const ok = spawnSync(process.execPath, [launcher, 'compile', join(repo, 'fixtures/ports-ranges-and-protocols/compose.yaml')], { env: { PATH: '', XDG_CACHE_HOME: home }, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(cacheFiles(home).map((f) => f.replace(/.*\//, ''))).toEqual([expect.stringMatching(/^[0-9a-f]{32}-v8-.+-compile\.bin$/)]);
  });

  it('with the cache: the same again, and the cache is kept as it is', () => {
    const [file] = cacheFiles(home);
    const before = readFileSync(file!);
    expect(compileAll(launcher, home)).toEqual(reference);
    expect(readFileSync(file!).equals(before)).toBe(true);
  });

  it('with a corrupt cache: the same again, and the cache is rebuilt by the next successful run', () => {
    const [file] = cacheFiles(home);
    const garbage = Buffer.alloc(statSync(file!).size, 0x5a);
    writeFileSync(file!, garbage);
    expect(compileAll(launcher, home)).toEqual(reference);
    spawnSync(process.execPath, [launcher, 'compile', join(repo, 'fixtures/ports-ranges-and-protocols/compose.yaml')], { env: { PATH: '', XDG_CACHE_HOME: home } });
    expect(readFileSync(file!).equals(garbage)).toBe(false);
  });

  it('with a cache directory it cannot write: the same again, silently', () => {
    const blocked = join(work, 'a-file');
    writeFileSync(blocked, '');
    const run = compileAll(launcher, blocked);
    expect(run).toEqual(reference);
  });

  it('--version and --help print what dist/ prints', () => {
    for (const args of [['--version'], ['-V'], ['--help'], ['compile', '--help']]) {
      const a = spawnSync(process.execPath, [dist, ...args], { encoding: 'utf8' });
      const b = spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8', env: { PATH: '', XDG_CACHE_HOME: home } });
      expect({ status: b.status, stdout: b.stdout, stderr: b.stderr }).toEqual({ status: a.status, stdout: a.stdout, stderr: a.stderr });
    }
  });


  it('holds cdk8s through its app, chart and api-object modules and one yaml; the client, Fastify, Handlebars and ajv 2020 stay outside', () => {
    const bundle = readFileSync(join(repo, 'dist/bundle/tychoc.cjs'), 'latin1');
    // esbuild wraps each CommonJS module it holds in __commonJS({"node_modules/…/file.js"(…) {…}}).
    const modules = new Set([...bundle.matchAll(/"(node_modules\/[^"]+\.c?js)"\(/g)].map((m) => m[1]!));
    for (const m of ['app', 'chart', 'api-object']) expect(modules).toContain(`node_modules/cdk8s/lib/${m}.js`);
    for (const m of ['index', 'helm', 'include']) expect(modules).not.toContain(`node_modules/cdk8s/lib/${m}.js`);
    expect([...modules].filter((m) => m.includes('/yaml/dist/index.js'))).toEqual(['node_modules/yaml/dist/index.js']);
    // Loaded from node_modules when used (the fixtures above use Handlebars and ajv 2020).
    for (const name of ['@kubernetes/client-node', 'fastify', 'handlebars', 'ajv']) expect([...modules].filter((m) => m.startsWith(`node_modules/${name}/`))).toEqual([]);
  });

  it('a compile loads no child_process (commander and cdk8s ask for it for features tychoc does not use)', () => {
    const report = "process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList.filter((m) => /child_process$/.test(m)))))";
    const run = spawnSync(process.execPath, ['-e', `${report}; process.argv.splice(1, 0, ${JSON.stringify(launcher)}); require(${JSON.stringify(launcher)})`, 'compile', join(repo, 'fixtures/ports-ranges-and-protocols/compose.yaml')], { encoding: 'utf8', env: { PATH: '', XDG_CACHE_HOME: home } });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stderr)).toEqual([]);
  });
});
