import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import type { FuzzCase } from './cases.js';
import { checkCase, type Violation } from './properties.js';
import { caseAt, type WorkerMessage, type WorkerTask } from './worker.js';

/**
 * `npm run fuzz`: checks the compiler's promises (properties.ts) on many inputs, in parallel, from
 * a seed, so that any run can be repeated. Each new failure class gets a reproducer folder (the
 * case's files, and case.json with its seed, index and violations); `--replay` runs those again.
 */
interface Options {
  runs: number;
  seed: number;
  workers: number;
  out: string;
  large: boolean;
  replay?: string;
}

/** A worker silent this long is stuck on its input (a large one takes tens of seconds): the input is reported as a hang. */
const HANG_MS = 300_000;

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};

const program = new Command('fuzz')
  .option('--runs <n>', 'inputs to check', int, 100_000)
  .option('--seed <n>', 'seed of the run (default: the time)', int, Date.now() % 2 ** 31)
  .option('--workers <n>', 'parallel workers', int, availableParallelism())
  .option('--out <dir>', 'where reproducers go', 'fuzz-findings')
  .option('--no-large', 'leave out the 1-3 MB inputs')
  .option('--replay <dir>', 'check the reproducers in <dir> (or one reproducer) again, instead of fuzzing');
program.parse();
const opts = program.opts<Options>();

if (opts.replay) process.exitCode = replay(resolve(opts.replay));
else process.exitCode = await fuzz(opts);

interface Finding {
  readonly class: string;
  count: number;
}

async function fuzz(o: Options): Promise<number> {
  const out = resolve(o.out);
  const known = new Set(existsSync(out) ? readdirSync(out).flatMap((d) => (existsSync(join(out, d, 'case.json')) ? [readCase(join(out, d)).class] : [])) : []);
  const findings = new Map<string, Finding>();
  const totals = { done: 0, compiled: 0, bytes: 0, ms: 0, codes: new Map<string, number>() };
  const started = performance.now();
  console.log(`fuzz: ${o.runs} inputs, seed ${o.seed}, ${o.workers} workers${o.large ? ', large inputs included' : ''}; reproducers in ${out}`);

  const record = (index: number, c: FuzzCase, violations: readonly Violation[]) => {
    for (const v of violations) {
      const f = findings.get(v.class) ?? { class: v.class, count: 0 };
      f.count++;
      if (!findings.has(v.class)) {
        findings.set(v.class, f);
        const where = known.has(v.class) ? 'known' : writeReproducer(out, findings.size, o.seed, index, c, v, violations);
        console.log(`  input ${index}: ${v.class} (${where})`);
      }
    }
  };

  let lastReport = performance.now();
  const runWorker = (task: WorkerTask): Promise<void> =>
    new Promise((done) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: task, resourceLimits: { maxOldGenerationSizeMb: 8192 } });
      let current = -1;
      let heard = performance.now();
      // A worker that hung or died is replaced, going on after its input; the replacement settles the promise.
      let replaced = false;
      const replace = (violation: Violation) => {
        clearInterval(watchdog);
        replaced = true;
        record(current, caseAt(task.seed, current, task.large), [violation]);
        const rest = task.indices?.slice(task.indices.indexOf(current) + 1);
        void runWorker({ ...task, first: current + task.stride, ...(rest ? { indices: rest } : {}) }).then(done);
      };
      const watchdog = setInterval(() => {
        if (performance.now() - heard < HANG_MS) return;
        void worker.terminate();
        replace({ property: 'slow', detail: `no answer after ${HANG_MS} ms`, class: 'hang' });
      }, 1_000);
      worker.on('message', (m: WorkerMessage) => {
        heard = performance.now();
        if (m.type === 'start') current = m.index;
        else if (m.type === 'deferred') deferred.push(m.index);
        else if (m.type === 'failed') record(m.index, m.case, m.violations);
        else {
          totals.done += m.done;
          totals.compiled += m.compiled;
          totals.bytes += m.bytes;
          totals.ms += m.ms;
          for (const [code, n] of Object.entries(m.codes)) totals.codes.set(code, (totals.codes.get(code) ?? 0) + n);
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            console.log(`  ${totals.done} inputs, ${findings.size} classes, ${Math.round(totals.done / ((performance.now() - started) / 1000))} inputs/s`);
          }
        }
      });
      worker.on('error', (e) => replace({ property: 'throws', detail: String(e.stack ?? e), class: `worker died: ${e.message}` }));
      worker.on('exit', () => {
        clearInterval(watchdog);
        if (!replaced) done();
      });
    });

  const deferred: number[] = [];
  await Promise.all(Array.from({ length: o.workers }, (_, w) => runWorker({ seed: o.seed, first: w, stride: o.workers, end: o.runs, deferLarge: true, large: o.large })));
  if (deferred.length > 0) {
    // Timed alone: a large input sharing the machine with other compiles would be charged for them.
    console.log(`  ${deferred.length} large inputs, one at a time`);
    await runWorker({ seed: o.seed, first: 0, stride: 1, end: 0, indices: deferred.sort((a, b) => a - b), deferLarge: false, large: o.large });
  }
  const seconds = (performance.now() - started) / 1000;
  report(o, totals, findings, seconds);
  return findings.size > 0 ? 1 : 0;
}

function report(o: Options, t: { done: number; compiled: number; bytes: number; ms: number; codes: Map<string, number> }, findings: Map<string, Finding>, seconds: number): void {
  const codes = [...t.codes].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, n]) => `${c} ${(100 * n / t.done).toFixed(1)}%`).join(', ');
  console.log('');
  console.log('| seed | inputs | seconds | inputs/s | MB read | compiled to objects | failure classes |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| ${o.seed} | ${t.done} | ${seconds.toFixed(0)} | ${(t.done / seconds).toFixed(0)} | ${(t.bytes / 1e6).toFixed(1)} | ${(100 * t.compiled / t.done).toFixed(1)}% | ${findings.size} |`);
  console.log(`\nfirst errors of the inputs that did not compile: ${codes}`);
  for (const f of findings.values()) console.log(`  ${f.count}× ${f.class}`);
}

function writeReproducer(out: string, n: number, seed: number, index: number, c: FuzzCase, v: Violation, all: readonly Violation[]): string {
  const slug = v.class.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
  const dir = join(out, `${seed}-${index}-${String(n).padStart(2, '0')}-${slug}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify({ class: v.class, seed, index, case: c, violations: all }, null, 2)}\n`);
  return dir;
}

function readCase(dir: string): { class: string; case: FuzzCase } {
  return JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { class: string; case: FuzzCase };
}

/** Runs reproducers again: 0 when none fails any more. */
function replay(path: string): number {
  const dirs = existsSync(join(path, 'case.json')) ? [path] : readdirSync(path).map((d) => join(path, d)).filter((d) => existsSync(join(d, 'case.json')));
  const scratch = mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-replay-'));
  let failing = 0;
  for (const dir of dirs) {
    const { class: cls, case: c } = readCase(dir);
    const { violations } = checkCase(c, join(scratch, 'case'));
    failing += violations.length > 0 ? 1 : 0;
    console.log(`${violations.length > 0 ? 'FAILS' : 'fixed'}  ${cls}  (${dir})`);
    for (const v of violations) console.log(`       ${v.property}: ${v.detail.split('\n')[0]}`);
  }
  rmSync(scratch, { recursive: true, force: true });
  console.log(`${dirs.length} reproducers, ${failing} failing`);
  return failing > 0 ? 1 : 0;
}
