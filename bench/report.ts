import type { ExecutorResult, HostileRow, InputResult, Results, Stat } from './results.js';

const num = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const ms = (s: Stat | undefined) => (s ? `${s.timedOut ? '> ' : ''}${num(s.ms, s.ms < 100 ? 1 : 0)}` : '–');
const mib = (s: Stat | undefined) => (s?.rssMiB !== undefined ? num(s.rssMiB, 0) : '–');
/** a/b, or a bound when b was cut off at the time limit. */
const ratio = (a: Stat | undefined, b: Stat | undefined) => (a && b ? `${b.timedOut ? '< ' : ''}${num(a.ms / b.ms, 2)}` : '–');
const runs = (...ss: (Stat | undefined)[]) => ss.map((s) => s?.runs ?? '–').join('/');

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const cliRow = (r: InputResult) => [ms(r.tychoc), ms(r.kompose), ratio(r.tychoc, r.kompose), mib(r.tychoc), mib(r.kompose)];

/** The results as Markdown: what `npm run bench` prints and the README quotes. */
export function markdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node.join(', ')}; kompose ${m.kompose ?? '(skipped)'}; ` +
      `tychoc ${m.tychoc} @ ${m.commit}; ${r.date}. Medians of up to ${r.settings.runs} alternating runs ` +
      `(fewer once a contender spent ${r.settings.budgetS} s on an input; runs killed after ${r.settings.timeoutS} s).`,
    ...r.skipped.map((s) => `Skipped: ${s}.`),
    '',
    '**Cold CLI, one invocation** (generated projects; ms and peak RSS MiB)',
    '',
    table(
      ['input', 'services', 'tychoc ms', 'kompose ms', 'tychoc/kompose', 'tychoc MiB', 'kompose MiB', 'runs'],
      r.latency.map((l) => [l.input, l.services, ...cliRow(l), runs(l.tychoc, l.kompose)]),
    ),
    '',
    '**Start-up** (ms)',
    '',
  ];
  const runtimes = Object.keys(r.startup[0]?.byRuntime ?? {});
  const [base, next] = runtimes;
  out.push(
    table(
      ['', ...runtimes, ...(next ? [`${next} / ${base}`] : [])],
      r.startup.map((s) => [s.what, ...runtimes.map((k) => ms(s.byRuntime[k])), ...(next ? [ratio(s.byRuntime[next], s.byRuntime[base!])] : [])]),
    ),
    '',
  );
  if (r.corpus) {
    const c = r.corpus;
    out.push(
      `**Corpus throughput** (${c.compiled} of ${c.files} files of ../shared/corpus compile)`,
      '',
      table(
        ['', 'files/s', 'over'],
        [
          ['tychoc in-process (compile + serialize)', num(c.inProcessFilesPerS, 1), `${c.compiled} files`],
          ['yaml floor in-process (parse + serialize)', num(c.floorFilesPerS, 1), `${c.compiled} files`],
          ...(c.cli
            ? [
                ['tychoc CLI, cold process per file', num(c.cli.tychocFilesPerS, 1), `${c.cli.common} files both compile`],
                ['kompose CLI, cold process per file', num(c.cli.komposeFilesPerS, 1), `same ${c.cli.common} (kompose fails ${c.cli.komposeFailed})`],
                ['tychoc/kompose time per file, geometric mean', num(c.cli.geomeanRatio, 2), ''],
              ]
            : []),
        ],
      ),
      '',
    );
  }
  out.push(
    '**Scaling with the number of services** (CLI: cold process; in-process: warm, compile + serialize)',
    '',
    table(
      ['services', 'tychoc ms', 'kompose ms', 'tychoc/kompose', 'tychoc MiB', 'kompose MiB', 'in-process ms', 'yaml floor ms', 'in-process/floor', 'runs'],
      r.scaling.map((s) => [s.services, ...cliRow(s), ms(s.inProcess), ms(s.floor), ratio(s.inProcess, s.floor), runs(s.tychoc, s.kompose, s.inProcess, s.floor)]),
    ),
    '',
    'Fitted growth exponent k of (value − value at the smallest size) ∝ (services − smallest)^k; 1 is linear.',
    '',
    table(['series', 'k'], Object.entries(r.exponents).map(([k, v]) => [k, num(v, 2)])),
    '',
  );
  out.push(
    '**Hostile inputs** (cold CLI; ms, peak RSS MiB and exit status: 0 objects, 1 diagnostics)',
    '',
    table(
      ['input', 'bytes', 'tychoc ms', 'tychoc MiB', 'tychoc exit', 'kompose ms', 'kompose MiB', 'kompose exit', 'tychoc/kompose'],
      r.hostile.map((h: HostileRow) => [h.input, h.bytes, ms(h.tychoc), mib(h.tychoc), h.tychoc.exit ?? 'killed', ms(h.kompose), mib(h.kompose), h.kompose ? (h.kompose.exit ?? 'killed') : '–', ratio(h.tychoc, h.kompose)]),
    ),
    '',
  );
  if (r.executor) out.push(...executorTables(r.executor));
  return out.join('\n');
}

function executorTables(e: ExecutorResult): string[] {
  const kubectl = (stats: Readonly<Record<string, Stat>>) => Object.entries(stats).find(([k]) => k.startsWith('kubectl'))!;
  const rows = (what: string, stats: Readonly<Record<string, Stat>>) => {
    const [, base] = kubectl(stats);
    return Object.entries(stats).map(([tool, s]) => [what, `\`${tool}\``, ms(s), ratio(s, base), mib(s), s.runs]);
  };
  const perMinute = Object.entries(e.systemsPerMinute);
  const [, kubectlPerMinute] = perMinute.find(([k]) => k.startsWith('kubectl'))!;
  return [
    `**Executor** (${e.services} generated services, one namespace per system, on the test harness: kube-apiserver ${e.kubernetes}, etcd, ` +
      'controllers, scheduler and two kwok nodes, on this machine; cold CLI processes; ms)',
    '',
    table(
      ['until', 'command', 'ms', '/ kubectl', 'peak MiB', 'runs'],
      [...rows('objects accepted', e.up), ...rows('Deployments available', e.ready), ...rows('objects gone', e.down)],
    ),
    '',
    '`tychoc up` compiles too; the others apply the manifests `tychoc compile` wrote. `tychoc down` waits until the ' +
      "pods are gone as well; plain `kubectl delete` does not (its dependents go in the background). '/ kubectl' is " +
      'against the first kubectl row of each group.',
    '',
    `**Concurrent launches**: ${e.systems} systems, ${e.concurrency} at a time`,
    '',
    table(['command', 'systems/min', '/ kubectl'], perMinute.map(([tool, n]) => [`\`${tool}\``, num(n, 0), num(n / kubectlPerMinute, 2)])),
    '',
  ];
}
