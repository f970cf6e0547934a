import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; bin: string | Record<string, string>; files: string[]; engines: { node: string } };
const binPath = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['tychoc']!;

let dir: string;
/** The paths in the tarball, as `npm pack` lists them. */
let packed: string[];
/** Where the tarball was installed globally: its bin/ and lib/node_modules/. */
let prefix: string;
/** The environment every command runs in: no npm settings of an enclosing `npm test`, a cache of its own for the launcher. */
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-package-')));
  prefix = join(dir, 'prefix');
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') || ['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'].includes(k))),
    XDG_CACHE_HOME: join(dir, 'cache'),
  };
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, env, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  packed = pack!.files.map((f) => f.path).sort();
  // Dependencies come from npm's cache where it has them, so that a run needs the registry only for what it lacks.
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, pack!.filename)], { cwd: dir, env, encoding: 'utf8' });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a tychoc and returns what it printed and its exit code. */
function run(bin: string[], args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin[0]!, [...bin.slice(1), ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the npm package', () => {
  it('holds the built program, its schemas and templates, and no tests, fixtures or sources', () => {
    // Each entry of `files` brings something: none names what the build no longer makes.
    expect(pkg.files.filter((f) => !f.startsWith('!') && !packed.some((p) => p === f || p.startsWith(`${f}/`)))).toEqual([]);
    expect(packed.filter((p) => /(^|\/)(test|fixtures|bench)\/|\.test\.|\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    // Only the test suite validates against the Kubernetes schema.
    expect(packed).not.toContain('schemas/kubernetes-1.33.json');
    expect(packed).toContain(binPath);
    expect(readFileSync(join(root, binPath), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('holds every file the program reads from its own directory', () => {
    const read = new Set<string>();
    const sources = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    for (const file of sources(join(root, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/packagePath\(((?:'[^']+'(?:, )?)+)\)/g)) read.add(m[1]!.split(', ').map((s) => s.slice(1, -1)).join('/'));
    }
    expect(read.size).toBeGreaterThan(5);
    const missing = [...read].filter((path) => !packed.some((p) => p === path || p.startsWith(`${path}/`)));
    expect(missing).toEqual([]);
  });

  it('asks for a Node the build targets and this test runs on', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major! > 20 || (major === 20 && minor! >= 19)).toBe(true);
    expect(readFileSync(join(root, 'scripts', 'build-bundle.mjs'), 'utf8')).toContain("target: 'node20'");
  });

  it('installed globally on a clean prefix, compiles as the repository\'s build does', () => {
    const installed = [join(prefix, 'bin', 'tychoc')];
    const built = [process.execPath, join(root, binPath)];
    expect(existsSync(join(prefix, 'lib', 'node_modules', pkg.name, 'node_modules', 'vitest'))).toBe(false);
    expect(run(installed, ['--version'], dir)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    // A plain file, one read with its policy (ajv, outside the bundle), one with Handlebars templates.
    const cases: [string, string[]][] = [
      ['web-and-database', ['compile', 'compose.yaml']],
      ['pass-volumes-policy', ['compile', 'compose.yaml']],
      ['proxy-custom-template', readFileSync(join(root, 'fixtures/proxy-custom-template/args'), 'utf8').trim().split(/\s+/)],
    ];
    for (const [fixture, args] of cases) {
      const cwd = join(root, 'fixtures', fixture);
      const ours = run(installed, args, cwd);
      expect(ours.code, `${fixture}: ${ours.stderr}`).toBe(0);
      expect(ours.stdout).toContain('kind: ');
      expect(ours).toEqual(run(built, args, cwd));
    }
    const completion = run(installed, ['completion', 'bash'], dir);
    expect(completion.code).toBe(0);
    expect(completion.stdout).toContain('complete -F _tychoc tychoc');
  });
});
