import type { ExecutorResult, HostileRow, InputResult, LoadStat, Results, ServeResult, Stat } from './results.js';

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
  ];
  if (r.latency.length > 0) {
    out.push(
      '**Cold CLI, one invocation** (generated projects; ms and peak RSS MiB)',
      '',
      table(
        ['input', 'services', 'tychoc ms', 'kompose ms', 'tychoc/kompose', 'tychoc MiB', 'kompose MiB', 'runs'],
        r.latency.map((l) => [l.input, l.services, ...cliRow(l), runs(l.tychoc, l.kompose)]),
      ),
      '',
    );
  }
  if (r.startup.length > 0) {
    // One row per way of starting tychoc; the bare `node -e 0` row gives each runtime's floor.
    const [bare, ...timed] = r.startup;
    const ways = Object.keys(timed[0]!.byRuntime);
    const compiles = timed.filter((s) => s.kompose);
    out.push(
      '**Start-up, cold process** (ms, medians; `bundle` is the package\'s bin, `dist/` the unbundled build; the code cache is the launcher\'s, filled by one untimed run)',
      '',
      table(
        ['', 'node -e 0', ...timed.map((s) => s.what.replace(/^tychoc /, '')), ...compiles.map((s) => `${s.what.replace(/^tychoc /, '')} / kompose`)],
        [
          ...ways.map((way) => [way, ms(bare!.byRuntime[way.split(' · ')[0]!]), ...timed.map((s) => ms(s.byRuntime[way])), ...compiles.map((s) => ratio(s.byRuntime[way], s.kompose))]),
          ['kompose', '–', ...timed.map((s) => ms(s.kompose)), ...compiles.map(() => '1.00')],
        ],
      ),
      '',
    );
  }
  if (r.loadCosts.length > 0) {
    out.push('**Where start-up goes** (ms, medians over fresh processes; dist/ module by module in load order, the bundle step by step)', '', table(['step', 'ms'], r.loadCosts.map((c) => [c.what, num(c.ms, 1)])), '');
  }
  for (const b of r.batch) {
    out.push(
      `**Many projects, one process** (\`compile --each\` over ${b.projects} projects of ${b.servicesEach} service(s), files written with -o; ms per project; Kompose: one \`convert -o DIR\` process per project)`,
      '',
      table(
        ['', 'ms per project', '/ kompose'],
        [...Object.entries(b.perProject).map(([way, s]) => [way, ms(s), ratio(s, b.kompose)]), ['kompose', ms(b.kompose), '1.00']],
      ),
      '',
    );
  }
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
  if (r.scaling.length > 0) {
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
  }
  if (r.hostile.length > 0) {
    out.push(
      '**Hostile inputs** (cold CLI; ms, peak RSS MiB and exit status: 0 objects, 1 diagnostics)',
      '',
      table(
        ['input', 'bytes', 'tychoc ms', 'tychoc MiB', 'tychoc exit', 'kompose ms', 'kompose MiB', 'kompose exit', 'tychoc/kompose'],
        r.hostile.map((h: HostileRow) => [h.input, h.bytes, ms(h.tychoc), mib(h.tychoc), h.tychoc.exit ?? 'killed', ms(h.kompose), mib(h.kompose), h.kompose ? (h.kompose.exit ?? 'killed') : '–', ratio(h.tychoc, h.kompose)]),
      ),
      '',
    );
  }
  if (r.executor) out.push(...executorTables(r.executor));
  if (r.serve) out.push(...serveTables(r.serve));
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

function serveTables(s: ServeResult): string[] {
  const row = (what: string, via: string, l: LoadStat, leaked: number | undefined, peer?: LoadStat) => [
    what,
    via,
    l.requests,
    l.concurrency,
    num(l.perS, l.perS < 10 ? 2 : 0),
    num(l.p50Ms, 0),
    num(l.p99Ms, 0),
    l.errors,
    leaked ?? '–',
    peer ? num(l.perS / peer.perS, 1) : '–',
  ];
  const { server, cli } = s;
  return [
    `**API server under load** (\`tychoc serve\` as its own process on loopback, driven by autocannon; every system is the same ` +
      `${s.services}-service compose file, in a namespace of its own, on the test harness: kube-apiserver ${s.kubernetes}, etcd, ` +
      `controllers, scheduler and ${s.nodes} kwok nodes; requests/s over the wall time, latency in ms)`,
    '',
    table(
      ['operation', 'via', 'requests', 'at once', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'leaked objects', 'req/s ÷ CLI'],
      [
        row(`status (${s.present} systems)`, '`GET /systems`, `POST /system/status`', server.status, undefined, cli.status),
        row(`status (${s.present} systems)`, '`tychoc status`', cli.status, undefined),
        row('start', '`POST /systems`', server.start, undefined, cli.start),
        row('start', '`tychoc up`', cli.start, undefined),
        row('delete', '`DELETE /systems/:sid`', server.delete, s.leaked.server, cli.delete),
        row('delete', '`tychoc down`', cli.delete, s.leaked.cli),
        ...Object.entries(server.mixed).map(([user, l]) => row(`start, status, delete in turn (${user})`, '`POST /systems`, `GET /systems`, `DELETE /systems/:sid`', l, s.leaked.server)),
      ],
    ),
    '',
    'The peer does the same work as cold CLI processes, as a platform would that spawns `tychoc` per launch: ' +
      'compile, apply and status on the same cluster, the same number at once, right after the server\'s turn. ' +
      'Errors are answers other than 201 (start) or 200, connection errors and timeouts, and failed processes. ' +
      'Leaked objects: objects of the systems, or anything else in their namespaces, once every system was deleted; ' +
      `the server listed ${s.listedAfter} systems afterwards. The two users' loads ran at the same time. ` +
      `Server peak RSS ${num(server.peakRssMiB, 0)} MiB.`,
    '',
  ];
}
