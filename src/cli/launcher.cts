#!/usr/bin/env node
// The package's bin. It runs the CLI's one-file bundle (scripts/build-bundle.mjs) through
// vm.Script with a V8 code cache kept between runs: start-up is most of a small compile's time,
// and a cache taken after a run holds every function that run compiled, which Node's own compile
// cache (taken before most functions have run) does not.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';

const root = join(__dirname, '..', '..', '..');
// `--version` alone prints what commander would, without the program: a script checking the
// version pays for a process start and no more.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  process.stdout.write(`${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`);
} else {
  run(join(root, 'dist', 'bundle', 'tychoc.cjs'));
}

function run(bundle: string): void {
  // ASCII by construction (scripts/build-bundle.mjs), so Latin-1 decodes it exactly, and sooner.
  const source = readFileSync(bundle, 'latin1');
  const cacheFile = codeCachePath(source, process.argv[2]);
  const cachedData = readOrNothing(cacheFile);

  // The bundle is CommonJS; wrapped as Node wraps a module, on the first line so positions hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const loaded = { exports: {} as { main(): Promise<void> } };
  script.runInThisContext()(loaded.exports, createRequire(bundle), loaded, bundle, join(bundle, '..'));

  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code === 0) writeAtomically(cacheFile, script.createCachedData());
    });
  }
  void loaded.exports.main();
}

/**
 * One cache per bundle, Node version and command: V8 checks a cache against the source's length
 * only, so the key carries the hash the bundle ends with; each command's run compiles its own set
 * of functions. Undefined when the bundle carries no hash (a cache could then be another's).
 */
function codeCachePath(text: string, command: string | undefined): string | undefined {
  const hash = /\n\/\/ tychoc-bundle-sha256 ([0-9a-f]{64})\n?$/.exec(text.slice(-100))?.[1];
  if (!hash) return undefined;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const name = command && /^[a-z][a-z-]{0,30}$/.test(command) ? command : 'other';
  return join(base, 'tychoc', 'code-cache', `${hash.slice(0, 32)}-v8-${process.versions.v8}-${process.arch}-${name}.bin`);
}

function readOrNothing(file: string | undefined): Buffer | undefined {
  try {
    return file ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** Written under a name of its own, then renamed: a concurrent run reads a whole cache or none. */
function writeAtomically(file: string, data: Buffer): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    // An unwritable cache costs the next run its speed, nothing else.
  }
}
