import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exitOf, stuckContainer } from '../../src/executor/pod-failures.js';
import { rolloutOf } from '../../src/executor/wait.js';
import { mapLimit } from '../../src/executor/objects.js';
import { waitFor } from '../cluster/processes.js';
import { describeOnRealNode, useRealNode, type RealNodeFixture } from './real-node-fixture.js';

const POSTGRES_WITHOUT_PASSWORD = 'restarting: exited with code 1 (Error): error: database is uninitialized and POSTGRES_PASSWORD is not set';
// How long a fixture's workloads may take to be ready: five fixtures start at once on a 2-core
// node under the rest of CI, and a pod sharing a new claim between containers once took over 45 s.
const PATIENCE_S = 90;
const STAND_IN = `still running after ${PATIENCE_S}s`;
const EXITS_AT_ONCE = 'restarting: exited with code 0 (Completed)';

/**
 * Every golden fixture's output applied to the real node as `kubectl apply` would apply it, with
 * images mapped to the local ones, and what became of it: Ready, or why not. The table is what the
 * node shows today; a change to the compiler that changes a line shows here. What is not Ready is
 * so for reasons of the fixture or of this machine, not of the compiler.
 */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const EXPECTED: Record<string, string | RegExp> = {
  'binds-project-and-host': 'Ready',
  'build-without-image': 'Ready',
  'comment-only-override': 'Ready',
  'configs-and-secrets': 'Ready',
  'dropped-keys': 'Ready',
  'environment-sources': 'Ready',
  // The job's image (example/base) is played by the stand-in, which runs until stopped.
  'extends-and-include': `job: ${STAND_IN}`,
  'file-modes': 'Ready',
  // The stand-in for the api has no curl for the startup probe; the alpine ones (busybox here)
  // have no command, so `sh` ends at once. A kubelet started less than a probe period ago (90 s
  // here) waits a random part of it before the first probe, so within the patience the probe may not
  // have run yet.
  'healthcheck-and-resources': new RegExp(
    `^api: not ready(${escaped(': Unhealthy: Startup probe errored and resulted in unknown state: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "ID": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown')}| after ${PATIENCE_S}s)` +
      `${escaped(`; quiet: ${EXITS_AT_ONCE}; shell: ${EXITS_AT_ONCE}`)}$`,
  ),
  // CronJobs start nothing within the patience; the autoscalers apply beside their Deployments.
  'kompose-cronjob': 'Ready',
  'kompose-hpa': 'Ready',
  // The Ingresses need no controller to be applied; nothing here serves them.
  'kompose-ingress': 'Ready',
  // Images are local here (pulled Never), so the missing pull secret is not needed; the init container echoes and ends.
  'kompose-pod-labels': 'Ready',
  // nginx and the log shipper (busybox's tail -F, waiting for the log) ready side by side in one pod.
  'kompose-service-group': 'Ready',
  // The stand-in has no `serve` command.
  'merge-override-files': 'web: restarting: exited with code 128 (StartError): failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "serve": executable file not found in $PATH: unknown',
  'names-aliases-links': 'Ready',
  'namespace-json': 'Ready',
  'networks-external-and-proxy': 'Ready',
  // The fixture's postgres is given no POSTGRES_PASSWORD; the official image refuses to start so too.
  'networks-policies': `db: ${POSTGRES_WITHOUT_PASSWORD}`,
  'pass-binds-hostpath': 'Ready',
  'pass-labels-sid-username': 'Ready',
  'pass-ports-exposure': `db: ${POSTGRES_WITHOUT_PASSWORD}`,
  // No GPU on this node; nginx serves no /healthz; postgres without a password.
  'pass-probes-and-controllers': [
    'trainer: Unschedulable: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    'web: not ready: Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404',
    `db: ${POSTGRES_WITHOUT_PASSWORD}`,
  ].join('; '),
  'pass-security-allowed': 'Ready',
  // The claims ask for a StorageClass (fast-ssd) that this cluster does not have.
  'pass-volumes-policy': ['app', 'worker'].map((w) => `${w}: Unschedulable: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`).join('; '),
  'pass-volumes-shared-warning': 'Ready',
  'ports-ranges-and-protocols': 'Ready',
  // busybox's `sh` ends at once; the migration's image is played by the stand-in.
  'profiles-and-controllers': `always: ${EXITS_AT_ONCE}; debug: ${EXITS_AT_ONCE}; migrate: ${STAND_IN}`,
  'proxy-ambassador': `db: ${POSTGRES_WITHOUT_PASSWORD}`,
  'proxy-custom-template': 'Ready',
  'proxy-httproute': 'Ready (not applied: HTTPRoute, no such API here)',
  'proxy-ingress': 'Ready',
  'proxy-no-ports': 'Ready',
  'run-healthchecks': 'Ready',
  'run-named-volume': 'Ready',
  'run-one-shot-job': 'Ready',
  'run-realistic-stack': 'Ready',
  'run-restricted-low-port': 'Ready',
  'run-secret-and-config': 'Ready',
  'run-tmpfs-read-only-user': 'Ready',
  'run-web-db-cache': 'Ready',
  // Shards of whole CPUs beyond this node's two (less CoreDNS's request): the rest wait, as the plan would have said.
  'shards-core': 'worker: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  'shards-node': 'web: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  // The ServiceAccounts it names are not made here (a compose file cannot make them): their ReplicaSets make no pods.
  'service-account': `builder: not ready after ${PATIENCE_S}s; operator: not ready after ${PATIENCE_S}s`,
  'volumes-and-tmpfs': 'Ready',
  'web-and-database': 'Ready',
};

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
// How long a workload has to become ready (or to fail for good, as a container that cannot be
// created does at once): what holds it then is its line in the table. Scheduling, probes and an
// app that exits until what it needs is up can all pass within it.
const PATIENCE_MS = PATIENCE_S * 1000;
const STABLE_MS = 6_000;

/** Local images for the images the fixtures name; anything else runs the stand-in. */
const LOCAL_IMAGES: [RegExp, string][] = [
  [/^(docker\.io\/)?(library\/)?(nginx|httpd)(:|@|$)/, 'nginx:1.27'],
  [/^(docker\.io\/)?(library\/)?postgres(:|@|$)/, 'postgres:16'],
  [/^(docker\.io\/)?(library\/)?redis(:|@|$)/, 'redis:7'],
  [/^(docker\.io\/)?(library\/)?(busybox|alpine)(:|@|$)/, 'busybox:1.36'],
];
const localImage = (image: string) => (image.startsWith('tychoc.test/') ? image : LOCAL_IMAGES.find(([re]) => re.test(image))?.[1] ?? 'tychoc.test/stand-in:1');

// Kinds that need a controller or CRD the node does not have; they are left out and named.
const NOT_SERVED = new Set(['HTTPRoute', 'Mapping']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

describeOnRealNode('golden fixtures on the real node', () => {
  const t = useRealNode();
  const names = readdirSync(fixtures).filter((n) => existsSync(join(fixtures, n, 'expected.yaml'))).sort();
  const outcomes = new Map<string, string>();

  beforeAll(async () => {
    // Node ports are the cluster's: fixtures that ask for one take turns, beside the others.
    const nodePorts = (name: string) => readFileSync(join(fixtures, name, 'expected.yaml'), 'utf8').includes('nodePort:');
    const inTurn = async () => {
      for (const name of names.filter(nodePorts)) {
        outcomes.set(name, await runFixture(t, name));
        // The port is free once the Services are gone; their pods may take their grace period.
        const services = `/api/v1/namespaces/${namespaceOf(name)}/services`;
        await t.api.delete(`/api/v1/namespaces/${namespaceOf(name)}`);
        await waitFor(`the Services of ${name} to go`, 120_000, async () => ((await t.api.get(services)).items.length === 0 ? true : undefined));
      }
    };
    await Promise.all([inTurn(), mapLimit(names.filter((n) => !nodePorts(n)), 5, async (name) => outcomes.set(name, await runFixture(t, name)))]);
    console.log(['| fixture | on the real node |', '|---|---|', ...names.map((n) => `| ${n} | ${outcomes.get(n)} |`)].join('\n'));
  }, 900_000);

  it.each(names)('%s', (name) => {
    const expected = EXPECTED[name];
    if (expected instanceof RegExp) expect(outcomes.get(name)).toMatch(expected);
    else expect(outcomes.get(name)).toBe(expected);
  });
});

/** Applies one fixture's objects in a namespace of its own and waits until each workload is ready or cannot be. */
async function runFixture(t: RealNodeFixture, name: string): Promise<string> {
  const ns = namespaceOf(name);
  const text = readFileSync(join(fixtures, name, 'expected.yaml'), 'utf8');
  const objects: any[] = text.trimStart().startsWith('{') ? JSON.parse(text).items : parseAllDocuments(text).map((d) => d.toJS());
  const skipped = [...new Set(objects.filter((o) => NOT_SERVED.has(o.kind)).map((o) => o.kind))];
  const applied = objects.filter((o) => !NOT_SERVED.has(o.kind)).map((o) => localize(o, ns, t.node.dir));
  await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const file = join(t.node.dir, `${ns}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: applied }));
  const apply = await t.kubectl(['apply', '--server-side', '-n', ns, '-f', file]);
  if (apply.code !== 0) return `rejected: ${apply.stderr.trim()}`;

  const workloads = applied.filter((o) => WORKLOADS.has(o.kind));
  const started = Date.now();
  // A crash-looping container is up for a moment between restarts: ready must last, without a restart.
  const readySince = new Map<string, { at: number; restarts: number }>();
  let states: State[] = [];
  for (;;) {
    const patient = Date.now() - started < PATIENCE_MS;
    states = await Promise.all(workloads.map(async (w): Promise<State> => {
      const { state, restarts } = await workloadState(t, ns, w, patient);
      if (state.kind !== 'ready') {
        readySince.delete(w.metadata.name);
        return state;
      }
      const since = readySince.get(w.metadata.name);
      if (!since || since.restarts !== restarts) readySince.set(w.metadata.name, { at: Date.now(), restarts });
      else if (Date.now() - since.at >= STABLE_MS) return state;
      return { kind: 'pending' };
    }));
    if (states.every((s) => s.kind !== 'pending')) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const reasons = states.flatMap((s, i) => (s.kind === 'failed' ? [`${workloads[i].metadata.name}: ${s.reason}`] : []));
  const outcome = reasons.length === 0 ? 'Ready' : reasons.join('; ');
  return skipped.length === 0 ? outcome : `${outcome} (not applied: ${skipped.join(', ')}, no such API here)`;
}

const namespaceOf = (fixture: string) => `fx-${fixture}`.slice(0, 63).replace(/-+$/, '');

/** The object as applied here: in the fixture's namespace, with local images and host paths kept inside the node's directory. */
function localize(o: any, ns: string, nodeDir: string): any {
  const copy = structuredClone(o);
  copy.metadata.namespace = ns;
  const pod = (copy.kind === 'CronJob' ? copy.spec.jobTemplate.spec : copy.spec)?.template?.spec;
  if (pod) {
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      c.image = localImage(c.image);
      c.imagePullPolicy = 'Never';
    }
    for (const v of pod.volumes ?? []) if (v.hostPath) v.hostPath.path = join(nodeDir, 'host-paths', v.hostPath.path);
  }
  return copy;
}

/** Ready; failed, with why; or still pending. */
type State = { kind: 'ready' } | { kind: 'failed'; reason: string } | { kind: 'pending' };

/**
 * A workload's state from its status and its pods' (with their restarts so far): a container that
 * cannot be created or a failed pod fail it at once; once patience runs out, whatever keeps it
 * from being ready does (unschedulable, a failing probe, restarting with its last exit and log line).
 */
async function workloadState(t: RealNodeFixture, ns: string, w: any, patient: boolean): Promise<{ state: State; restarts: number }> {
  const res = await t.api.request('GET', `/apis/${w.apiVersion}/namespaces/${ns}/${w.kind.toLowerCase()}s/${w.metadata.name}`);
  if (res.status !== 200) return { state: { kind: 'failed', reason: `HTTP ${res.status}` }, restarts: 0 };
  const selector = Object.entries(res.body.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods: any[] = (await t.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
  pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const restarts = pods.flatMap((p) => p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0);
  return { state: await stateOf(t, ns, w, res.body, pods, patient), restarts };
}

async function stateOf(t: RealNodeFixture, ns: string, w: any, current: any, pods: any[], patient: boolean): Promise<State> {
  const rollout = rolloutOf(w.kind, current);
  if (rollout.done) return { kind: 'ready' };
  const failed = (reason: string): State => ({ kind: 'failed', reason: withoutPodNames(reason) });
  for (const pod of pods) {
    // Crash loops are judged when patience runs out: an app may exit until its database is up.
    const stuck = stuckContainer(pod);
    if (stuck && !/RunContainerError|CrashLoopBackOff/.test(stuck)) return failed(stuck);
    const exited = pod.status?.containerStatuses?.find((c: any) => c.state?.terminated && c.state.terminated.exitCode !== 0)?.state.terminated;
    if (pod.status?.phase === 'Failed' && exited) return failed(exitOf(exited));
  }
  if (rollout.failure) return failed(rollout.failure);
  if (patient) return { kind: 'pending' };
  for (const pod of pods) {
    const unschedulable = pod.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    if (unschedulable) return failed(`Unschedulable: ${unschedulable.message}`);
  }
  // The newest exit of each container: its own state while it is down, else its last run's.
  const ended = pods.flatMap((p) => p.status?.containerStatuses ?? []).map((c: any) => c.state?.terminated ?? c.lastState?.terminated).filter(Boolean);
  // An app that fails says most; then a failing probe, which also stops containers that exit cleanly.
  const crashed = ended.find((e: any) => e.exitCode !== 0);
  if (crashed) return failed(`restarting: ${exitOf(crashed)}`);
  const warning = await probeWarning(t, ns, w.metadata.name);
  if (warning) return failed(`not ready: ${warning}`);
  if (ended.length > 0) return failed(`restarting: ${exitOf(ended[0])}`);
  return failed(w.kind === 'Job' ? `still running after ${PATIENCE_MS / 1000}s` : `not ready after ${PATIENCE_MS / 1000}s`);
}

/**
 * What the kubelet says of the workload's failing probes (`Unhealthy: Liveness probe failed: …`);
 * of several, the first by text, as probes of every kind have run by then.
 */
async function probeWarning(t: RealNodeFixture, ns: string, workload: string): Promise<string | undefined> {
  const events = (await t.api.get(`/api/v1/namespaces/${ns}/events?fieldSelector=reason%3DUnhealthy,involvedObject.kind%3DPod`)).items
    .filter((e: any) => e.involvedObject.name.startsWith(`${workload}-`))
    .map((e: any) => withoutPodNames(e.message))
    .sort();
  return events.length > 0 ? `Unhealthy: ${events[0]}` : undefined;
}

// Messages name the pod (random suffix), its uid, its address, container ids and times; the table keeps the reason.
const withoutPodNames = (message: string) =>
  message
    .replace(/ \(pod: "[^"]*"\)| \(pod: "[^"]*", container: [^)]*\)/g, '')
    .replace(/\b10\.244\.0\.\d+\b/g, 'POD-IP')
    .replace(/\b[0-9a-f]{64}\b/g, 'ID')
    .replace(/\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?( UTC)?/g, 'TIME')
    .trim();
