import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureExecutor } from './executor.js';
import { measureServe } from './serve.js';
import { growthExponent } from './fit.js';
import { HOSTILE, writeHostile } from './hostile.js';
import { writeGenerated } from './generate.js';
import { corpusDir, corpusFiles } from '../test/corpus-files.js';
import { compileFile } from './inprocess.js';
import type { WorkerResult, WorkerSpec } from './inprocess-worker.js';
import { machine } from './machine.js';
import { alternate, runProcess, type Invocation, type ProcessRun, type RunPlan } from './measure.js';
import { markdown } from './report.js';
import { processStat, timingStat, type BatchResult, type CorpusResult, type HostileRow, type InputResult, type LoadCostRow, type Results, type StartupRow, type Stat } from './results.js';
import { bareNode, compiled, kompose, komposePath, node22, nodeRuntime, tychoc, tychocEach, tychocVersion, type Entry, type NodeRuntime, type Skipped, type Tool } from './tools.js';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    budget: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '20' },
    'corpus-passes': { type: 'string', default: '1' },
    sizes: { type: 'string', default: '10,100,1000,5000' },
    'skip-cluster': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '4' },
    systems: { type: 'string', default: '8' },
    projects: { type: 'string', default: '20' },
    'serve-systems': { type: 'string', default: '100' },
    only: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url)) },
  },
});
const PARTS = ['startup', 'batch', 'latency', 'corpus', 'scaling', 'hostile', 'executor', 'serve'] as const;
type Part = (typeof PARTS)[number];
const only = opt.only?.split(',') ?? PARTS;
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0) throw new Error(`--only: no part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
const onCluster = new Set<Part>(['executor', 'serve']);
const parts = PARTS.filter((p) => only.includes(p) && !(opt['skip-cluster'] && onCluster.has(p)));
const wanted = (part: Part) => parts.includes(part);
const settings = { runs: Number(opt.runs), budgetS: Number(opt.budget), timeoutS: Number(opt.timeout), corpusPasses: Number(opt['corpus-passes']), parts };
const plan: RunPlan = { runs: settings.runs, budgetMs: settings.budgetS * 1000 };
const timeoutMs = settings.timeoutS * 1000;
const sizes = opt.sizes.split(',').map(Number);
const progress = (s: string) => process.stderr.write(`bench: ${s}\n`);

const skipped: string[] = [];
const usable = <T>(what: string, x: T | Skipped): T | undefined => {
  if (typeof x === 'object' && x !== null && 'skipped' in x) {
    skipped.push(`${what}: ${x.skipped}`);
    return undefined;
  }
  return x;
};
const node = nodeRuntime(process.execPath);
// Node 22 and Kompose are installed or built on first use: only for the parts that run them.
const newerNode = wanted('startup') || wanted('batch') ? usable('Node 22', node22()) : undefined;
const komposeBin = (['startup', 'batch', 'latency', 'corpus', 'scaling', 'hostile'] as const).some(wanted) ? usable('kompose', komposePath()) : undefined;
const komposeTool = komposeBin ? kompose(komposeBin) : undefined;

const work = mkdtempSync(join(tmpdir(), 'tychoc-bench-inputs-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
// The launcher's code cache lives in the run's scratch directory; a path below a file cannot be
// created, so "no cache" runs never write one.
const codeCache = join(work, 'code-cache');
const noCache = join(work, 'not-a-directory');
writeFileSync(noCache, '');
const variants: [string, { entry: Entry; cacheHome: string }][] = [
  ['dist/', { entry: 'dist', cacheHome: noCache }],
  ['bundle', { entry: 'launcher', cacheHome: noCache }],
  ['bundle + code cache', { entry: 'launcher', cacheHome: codeCache }],
];
/** What users run: the launcher with its cache (filled by the untimed first run of each input). */
const tychocTool = tychoc(node, variants[2]![1]);
const run = (inv: Invocation) => () => runProcess(inv, timeoutMs);

/** Fails loudly: a benchmark of a tool that errored would time its error path. */
function checked(tool: Tool, file: string, runs: readonly ProcessRun[]): readonly ProcessRun[] {
  const bad = runs.find((r) => !r.timedOut && !compiled(r));
  if (bad) throw new Error(`${tool.name} did not compile ${file} (exit ${bad.status}): ${bad.stderr.slice(0, 500)}`);
  return runs;
}

const measured = new Map<number, InputResult>();
/** Both tools' cold CLI runs and the in-process timings on the generated project of `n` services (once per n). */
function measureGenerated(n: number): InputResult {
  const known = measured.get(n);
  if (known) return known;
  const file = writeGenerated(work, n);
  progress(`${n} service(s): CLI`);
  const contenders = [tychocTool, ...(komposeTool ? [komposeTool] : [])];
  // No untimed run first: at 5 000 services one run is costly, and both tools' files are in the page cache by now.
  const cli = alternate(contenders.map((t) => run(t.invocation(file))), plan).map((runs, i) => processStat(checked(contenders[i]!, file, runs)));
  progress(`${n} service(s): in-process`);
  // Warming up on a project of at most 100 services runs every code path without paying for a big one.
  const { inProcess, floor } = inProcessRuns([file], [n <= 100 ? file : writeGenerated(work, 100)]);
  const result: InputResult = { services: n, tychoc: cli[0]!, ...(cli[1] ? { kompose: cli[1] } : {}), inProcess, floor };
  measured.set(n, result);
  return result;
}

const worker = fileURLToPath(new URL('./inprocess-worker.js', import.meta.url));
/** tychoc in-process and the yaml floor, timed in a fresh process (see inprocess-worker.ts). */
function inProcessRuns(files: readonly string[], warmup: readonly string[]): { inProcess: Stat; floor: Stat } {
  const spec: WorkerSpec = { files, warmup, plan };
  const res = spawnSync(process.execPath, ['--expose-gc', worker, JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) throw new Error(`in-process worker failed (exit ${res.status}): ${res.stderr}`);
  const out = JSON.parse(res.stdout) as WorkerResult;
  return { inProcess: timingStat(out.compileMs.map((ms) => ({ ms }))), floor: timingStat(out.floorMs.map((ms) => ({ ms }))) };
}

const runtimes = (): NodeRuntime[] => [node, ...(newerNode ? [newerNode] : [])];

/** Cold start-up: each runtime with each way of starting tychoc, Kompose beside the compiles. */
function startup(): StartupRow[] {
  const rows: [string, ((rt: NodeRuntime, how: (typeof variants)[number][1]) => Invocation) | undefined, string | undefined][] = [
    ['node -e 0', undefined, undefined],
    ['tychoc --version', (rt, how) => tychocVersion(rt, how), undefined],
    ...([1, 10] as const).map((n): (typeof rows)[number] => {
      const file = writeGenerated(join(work, `startup-${n}`), n);
      return [`tychoc compile (${n} service${n > 1 ? 's' : ''})`, (rt, how) => tychoc(rt, how).invocation(file), file];
    }),
  ];
  return rows.map(([what, inv, file]) => {
    progress(`start-up: ${what}`);
    const labelled: [string, Invocation][] = runtimes().flatMap((rt) =>
      inv ? variants.map(([label, how]): [string, Invocation] => [`Node ${rt.major} · ${label}`, inv(rt, how)]) : [[`Node ${rt.major}`, bareNode(rt)] as [string, Invocation]],
    );
    const contenders = [...labelled.map(([, i]) => run(i)), ...(file && komposeTool ? [run(komposeTool.invocation(file))] : [])];
    contenders.forEach((c) => c()); // untimed: fills the page cache and the code caches
    const stats = alternate(contenders, plan).map(processStat);
    return {
      what,
      byRuntime: Object.fromEntries(labelled.map(([label], i) => [label, stats[i]!])),
      ...(stats.length > labelled.length ? { kompose: stats.at(-1)! } : {}),
    };
  });
}

/**
 * `compile --each` over many projects in one process, against one Kompose process per project,
 * both writing files (`-o DIR`) into directories an untimed first run made.
 */
function batch(servicesEach: number): BatchResult {
  const count = Number(opt.projects);
  const projects = Array.from({ length: count }, (_, i) => writeGenerated(join(work, `batch-${servicesEach}`, `app-${String(i).padStart(3, '0')}`), servicesEach));
  progress(`batch: ${count} projects of ${servicesEach} service(s)`);
  const labelled = runtimes().flatMap((rt) => variants.map(([label, how]): [string, Invocation] => [`Node ${rt.major} · ${label}`, tychocEach(rt, how, projects, join(work, `batch-out-${servicesEach}`, label))]));
  const komposeOut = join(work, `batch-out-${servicesEach}`, 'kompose');
  mkdirSync(komposeOut, { recursive: true });
  const contenders = [...labelled.map(([, inv]) => run(inv)), ...(komposeTool ? [run(komposeTool.invocationInto(projects[0]!, komposeOut))] : [])];
  contenders.forEach((c) => c());
  const stats = alternate(contenders, plan).map(processStat);
  const perProject = (s: Stat): Stat => ({ ...s, ms: s.ms / count });
  return {
    projects: count,
    servicesEach,
    perProject: Object.fromEntries(labelled.map(([label], i) => [label, perProject(stats[i]!)])),
    ...(komposeTool ? { kompose: stats.at(-1)! } : {}),
  };
}

const loadCostWorker = fileURLToPath(new URL('./load-costs.js', import.meta.url));
const bundleFile = fileURLToPath(new URL('../bundle/tychoc.cjs', import.meta.url));
/** Module by module on dist/, step by step on the bundle: medians over fresh processes. */
function loadCosts(): LoadCostRow[] {
  progress('start-up: load costs');
  const small = writeGenerated(join(work, 'load-costs'), 1);
  const cache = join(work, 'load-costs.bin');
  writeFileSync(cache, cachedDataOf(small));
  const modes = [['dist', small], ['bundle', bundleFile], ['bundle', bundleFile, cache]];
  const samples = modes.map(() => [] as [string, number][][]);
  for (let i = 0; i < settings.runs; i++) {
    modes.forEach((args, m) => {
      const res = spawnSync(node.path, [loadCostWorker, ...args], { encoding: 'utf8', cwd: dirname(small) });
      if (res.status !== 0) throw new Error(`load-costs worker failed: ${res.stderr}`);
      samples[m]!.push(JSON.parse(res.stdout) as [string, number][]);
    });
  }
  return samples.flatMap((runs, m) =>
    runs[0]!.map(([what], row) => ({
      what: `${modes[m]![0] === 'dist' ? 'dist/' : modes[m]!.length > 2 ? 'bundle + code cache' : 'bundle'}: ${what}`,
      ms: median(runs.map((r) => r[row]![1])),
    })),
  );
}

/** The launcher's cache after a compile, as the user's cache directory would hold it. */
function cachedDataOf(file: string): Buffer {
  const home = join(work, 'load-costs-home');
  runProcess(tychoc(node, { entry: 'launcher', cacheHome: home }).invocation(file), timeoutMs);
  const dir = join(home, 'tychoc', 'code-cache');
  const name = readdirSync(dir).find((f) => f.includes(`-v8-${process.versions.v8}-`) && f.endsWith('-compile.bin'));
  if (!name) throw new Error(`no code cache in ${dir}`);
  return readFileSync(join(dir, name));
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function corpus(): CorpusResult | undefined {
  const files = corpusFiles();
  if (files.length === 0) {
    skipped.push(`corpus: ${corpusDir} not found`);
    return undefined;
  }
  progress(`corpus: ${files.length} files in-process`);
  const ok = files.filter((file) => compileFile(file));
  const { inProcess, floor } = inProcessRuns(ok, ok);
  const result: CorpusResult = {
    files: files.length,
    compiled: ok.length,
    inProcessFilesPerS: ok.length / (inProcess.ms / 1000),
    floorFilesPerS: ok.length / (floor.ms / 1000),
  };
  if (!komposeTool || settings.corpusPasses < 1) return result;

  progress(`corpus: ${ok.length} files, cold CLI runs of both tools`);
  const both: [number, number][] = [];
  for (const file of ok) {
    const [t, k] = alternate([run(tychocTool.invocation(file)), run(komposeTool.invocation(file))], { runs: settings.corpusPasses, budgetMs: Infinity });
    if (t!.every(compiled) && k!.every(compiled)) both.push([processStat(t!).ms, processStat(k!).ms]);
  }
  const sum = (i: 0 | 1) => both.reduce((s, pair) => s + pair[i], 0) / 1000;
  return {
    ...result,
    cli: {
      common: both.length,
      komposeFailed: ok.length - both.length,
      tychocFilesPerS: both.length / sum(0),
      komposeFilesPerS: both.length / sum(1),
      geomeanRatio: Math.exp(both.reduce((s, [t, k]) => s + Math.log(t / k), 0) / both.length),
    },
  };
}

/** The hostile inputs, both tools side by side; ending in diagnostics is as good an outcome as objects. */
function hostile(): HostileRow[] {
  return writeHostile(work).map((file, i) => {
    progress(`hostile: ${HOSTILE[i]!.input}`);
    const contenders = [tychocTool, ...(komposeTool ? [komposeTool] : [])];
    const [t, k] = alternate(contenders.map((tool) => run(tool.invocation(file))), plan).map((runs) => ({ ...processStat(runs), exit: runs[0]!.timedOut ? null : runs[0]!.status }));
    return { input: HOSTILE[i]!.input, bytes: statSync(file).size, tychoc: t!, ...(k ? { kompose: k } : {}) };
  });
}

function exponents(rows: readonly InputResult[]): Record<string, number> {
  const fit = (pick: (r: InputResult) => Stat | undefined, field: 'ms' | 'rssMiB') =>
    growthExponent(rows.flatMap((r) => {
      const s = pick(r);
      return s && !s.timedOut && s[field] !== undefined ? [[r.services, s[field]!] as const] : [];
    }));
  return {
    'tychoc CLI time': fit((r) => r.tychoc, 'ms'),
    'tychoc CLI peak RSS': fit((r) => r.tychoc, 'rssMiB'),
    'tychoc in-process time': fit((r) => r.inProcess, 'ms'),
    'yaml floor time': fit((r) => r.floor, 'ms'),
    ...(komposeTool ? { 'kompose CLI time': fit((r) => r.kompose, 'ms'), 'kompose CLI peak RSS': fit((r) => r.kompose, 'rssMiB') } : {}),
  };
}

if (komposeTool) runProcess(komposeTool.invocation(writeGenerated(work, 1)), timeoutMs); // untimed: page cache
const startupRows = wanted('startup') ? startup() : [];
const loadCostRows = wanted('startup') ? loadCosts() : [];
const batchResults = wanted('batch') ? [1, 10].map(batch) : [];
const latency = wanted('latency') ? ([['small', 1], ['typical', 10], ['large', 200]] as const).map(([input, n]) => ({ input, ...measureGenerated(n) })) : [];
const corpusResult = wanted('corpus') ? corpus() : undefined;
const scaling = wanted('scaling') ? sizes.map(measureGenerated) : [];
const hostileRows = wanted('hostile') ? hostile() : [];
const executorResult = wanted('executor')
  ? usable(
      'executor',
      await measureExecutor({
        node,
        compose: writeGenerated(work, 10),
        services: 10,
        runs: settings.runs,
        concurrency: Number(opt.concurrency),
        systems: Number(opt.systems),
        progress,
      }),
    )
  : undefined;
const serveResult = wanted('serve')
  ? usable('serve', await measureServe({ node, systems: Number(opt['serve-systems']), concurrency: Number(opt.concurrency), progress }))
  : undefined;

const results: Results = {
  date: new Date().toISOString(),
  machine: { ...machine(), node: [node.version, ...(newerNode ? [newerNode.version] : [])], ...(komposeTool ? { kompose: komposeTool.version } : {}) },
  settings,
  skipped,
  latency,
  startup: startupRows,
  batch: batchResults,
  loadCosts: loadCostRows,
  ...(corpusResult ? { corpus: corpusResult } : {}),
  scaling,
  exponents: exponents(scaling),
  hostile: hostileRows,
  ...(executorResult ? { executor: executorResult } : {}),
  ...(serveResult ? { serve: serveResult } : {}),
};
mkdirSync(dirname(opt.out), { recursive: true });
writeFileSync(opt.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(markdown(results));
progress(`results in ${opt.out}`);
