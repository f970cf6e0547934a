import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster } from '../test/cluster/harness.js';
import { KubeHttp } from '../test/cluster/http.js';
import { onHarnessCluster } from './cluster.js';
import { runProcessAsync, type Invocation, type ProcessRun } from './measure.js';
import { processStat, type ExecutorResult } from './results.js';
import { cleanEnv, type NodeRuntime, type Skipped } from './tools.js';

const tychocBin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const TIMEOUT_MS = 180_000;

/**
 * How one tool launches and tears down a system in a namespace. `down` gets what `up` printed.
 * Both sides are cold CLI processes, as in a CI job or a platform's launcher.
 */
interface Launcher {
  up(namespace: string): Invocation;
  down(namespace: string, upOutput: string): Invocation;
}

/** Launches, and what each launch printed, or a thrown error naming the command that failed. */
async function ok(inv: Invocation): Promise<ProcessRun> {
  const run = await runProcessAsync(inv, TIMEOUT_MS);
  if (run.status !== 0) throw new Error(`${[inv.command, ...inv.args].join(' ')} exited ${run.timedOut ? 'at the time limit' : run.status}: ${run.stderr.slice(0, 800)}`);
  return run;
}

/**
 * The executor against kubectl on a harness cluster (etcd, kube-apiserver, controllers,
 * scheduler and two kwok nodes): one system of `services` generated services launched and torn
 * down `runs` times, alternating tools; then `systems` systems launched `concurrency` at a time.
 */
export async function measureExecutor(opts: {
  node: NodeRuntime;
  compose: string;
  services: number;
  runs: number;
  concurrency: number;
  systems: number;
  progress: (s: string) => void;
}): Promise<ExecutorResult | Skipped> {
  return onHarnessCluster('executor', 2, opts.progress, (cluster, kubectl) => measureOn(cluster, kubectl, opts));
}

async function measureOn(
  cluster: Cluster,
  kubectlPath: string,
  opts: Parameters<typeof measureExecutor>[0],
): Promise<ExecutorResult> {
  const api = new KubeHttp(cluster);
  const env = { ...cleanEnv, KUBECONFIG: cluster.kubeconfig };
  const cwd = dirname(opts.compose);
  const tychoc = (...args: string[]): Invocation => ({ command: opts.node.path, args: [tychocBin, ...args], cwd, env });
  const kubectl = (...args: string[]): Invocation => ({ command: kubectlPath, args, cwd, env });

  // The same manifests for both tools: what `tychoc compile` writes.
  const manifests = join(cwd, 'manifests.yaml');
  writeFileSync(manifests, (await ok(tychoc('compile', opts.compose))).stdout);

  const sid = (upOutput: string) => (JSON.parse(upOutput) as { sid: string }).sid;
  // `down --volumes` and `kubectl delete -f` both delete every object, claims included, and wait until they are gone.
  const tychocDown = (namespace: string, out: string) => tychoc('down', sid(out), '-n', namespace, '--volumes', '-o', 'json');
  const kubectlDelete = (namespace: string) => kubectl('delete', '-f', manifests, '-n', namespace);
  const launchers = {
    'tychoc up': { up: (ns) => tychoc('up', opts.compose, '-n', ns, '-q', '-o', 'json'), down: tychocDown },
    'tychoc apply': { up: (ns) => tychoc('apply', manifests, '-n', ns, '-q', '-o', 'json'), down: tychocDown },
    'kubectl apply': { up: (ns) => kubectl('apply', '--server-side', '-f', manifests, '-n', ns), down: kubectlDelete },
    'tychoc up --wait': { up: (ns) => tychoc('up', opts.compose, '-n', ns, '-q', '-o', 'json', '--wait'), down: tychocDown },
  } satisfies Record<string, Launcher>;
  // kubectl has no apply-and-wait: the apply, then `kubectl wait` for every Deployment, as a script would.
  const kubectlReady = async (ns: string): Promise<ProcessRun> => {
    const applied = await ok(launchers['kubectl apply'].up(ns));
    const waited = await ok(kubectl('wait', '--for=condition=Available', 'deployment', '--all', '-n', ns, '--timeout=180s'));
    return { ...waited, ms: applied.ms + waited.ms, maxRssKb: Math.max(applied.maxRssKb, waited.maxRssKb) };
  };

  let namespaces = 0;
  const namespace = async (): Promise<string> => {
    const name = `bench-${namespaces++}`;
    await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };

  /** One launch and teardown per contender per round, the order alternating between rounds. */
  async function rounds(contenders: readonly { up: (ns: string) => Promise<ProcessRun>; down: (ns: string, out: string) => Invocation }[]) {
    const ups = contenders.map((): ProcessRun[] => []);
    const downs = contenders.map((): ProcessRun[] => []);
    for (let r = 0; r < opts.runs; r++) {
      const order = contenders.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const i of order) {
        const ns = await namespace();
        const up = await contenders[i]!.up(ns);
        ups[i]!.push(up);
        downs[i]!.push(await ok(contenders[i]!.down(ns, up.stdout)));
      }
    }
    return { ups, downs };
  }
  const plain = (l: Launcher) => ({ up: (ns: string) => ok(l.up(ns)), down: l.down });

  opts.progress(`executor: up and down of ${opts.services} services, ${opts.runs} rounds`);
  const launch = await rounds([plain(launchers['tychoc up']), plain(launchers['tychoc apply']), plain(launchers['kubectl apply'])]);
  opts.progress(`executor: up until ready, ${opts.runs} rounds`);
  // kubectl deletes in the background by default and so stops waiting before the pods are gone;
  // here it waits for them too, as tychoc down does.
  const foreground = (ns: string) => kubectl('delete', '-f', manifests, '-n', ns, '--cascade=foreground');
  const ready = await rounds([plain(launchers['tychoc up --wait']), { up: kubectlReady, down: foreground }]);

  /** Systems per minute for `systems` launches, `concurrency` at a time; torn down afterwards, untimed. */
  async function perMinute(l: Launcher): Promise<number> {
    const nss = await Promise.all(Array.from({ length: opts.systems }, namespace));
    const outputs: string[] = [];
    const queue = [...nss.keys()];
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) outputs[i] = (await ok(l.up(nss[i]!))).stdout;
    }));
    const minutes = Number(process.hrtime.bigint() - start) / 6e10;
    for (const [i, ns] of nss.entries()) await ok(l.down(ns, outputs[i]!));
    return opts.systems / minutes;
  }
  opts.progress(`executor: ${opts.systems} systems, ${opts.concurrency} at a time`);
  const concurrent: Record<string, number> = {};
  for (const name of ['tychoc up', 'tychoc apply', 'kubectl apply'] as const) concurrent[name] = await perMinute(launchers[name]);

  const version = (await api.get('/version')) as { gitVersion: string };
  const [upRuns, applyRuns, kubectlRuns] = launch.ups.map(processStat);
  const [upWaitRuns, kubectlWaitRuns] = ready.ups.map(processStat);
  return {
    services: opts.services,
    kubernetes: version.gitVersion,
    up: { 'tychoc up': upRuns!, 'tychoc apply': applyRuns!, 'kubectl apply': kubectlRuns! },
    // Systems launched any way are torn down the same way.
    down: {
      'tychoc down': processStat([...launch.downs[0]!, ...launch.downs[1]!, ...ready.downs[0]!]),
      'kubectl delete': processStat(launch.downs[2]!),
      'kubectl delete --cascade=foreground': processStat(ready.downs[1]!),
    },
    ready: { 'tychoc up --wait': upWaitRuns!, 'kubectl apply + wait': kubectlWaitRuns! },
    concurrency: opts.concurrency,
    systems: opts.systems,
    systemsPerMinute: concurrent,
  };
}
