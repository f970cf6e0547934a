import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Run in a fresh process (bench/main.ts): what each part of the compiler costs to load, in the
 * order a compile loads it, printed as JSON `[what, ms][]`. `dist`: the unbundled build, module by
 * module, then one compile of FILE; `bundle FILE [CACHE]`: the launcher's steps on the bundle.
 */
const [mode, file, cacheFile] = process.argv.slice(2) as [string, string, string | undefined];
const rows: [string, number][] = [];
async function timed<T>(what: string, step: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await step();
  rows.push([what, performance.now() - start]);
  return value;
}

rows.push(['Node start-up, to the first line', performance.now()]);
if (mode === 'dist') {
  await timed('commander', () => import('commander'));
  await timed('yaml', () => import('yaml'));
  await timed('cdk8s (app, chart, api-object) and constructs', () => Promise.all([import('cdk8s/lib/app.js'), import('cdk8s/lib/chart.js'), import('cdk8s/lib/api-object.js')]));
  await timed('Kubernetes L1 classes (generated/k8s-classes.cjs)', () => import('../generated/k8s-classes.cjs'));
  await timed('compose-spec validator (generated, standalone ajv)', () => import('../generated/compose-validator.js'));
  const { compile } = await timed("tychoc's own modules (frontend, passes, emit)", () => import('../src/compile.js'));
  const { toYamlStream } = await timed('serializer', () => import('../src/emit/serialize.js'));
  const result = await timed('first compile of a 1-service project', () => compile({ files: [file], cwd: process.cwd(), env: {} }));
  await timed('first YAML stringify of its objects', () => toYamlStream(result.manifests!));
} else {
  const source = await timed('read the bundle (Latin-1)', () => readFileSync(file, 'latin1'));
  const cachedData = cacheFile ? readFileSync(cacheFile) : undefined;
  const script = await timed(cachedData ? 'compile it with the code cache' : 'compile it without a code cache', () => new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) }));
  if (script.cachedDataRejected) throw new Error('the code cache was rejected');
  const loaded = { exports: {} };
  await timed('evaluate its top level', () => script.runInThisContext()(loaded.exports, createRequire(file), loaded, file, dirname(file)));
}
process.stdout.write(JSON.stringify(rows));
