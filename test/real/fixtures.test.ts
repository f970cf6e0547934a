import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { stuckContainer } from '../../src/executor/pod-failures.js';
import { rolloutOf } from '../../src/executor/wait.js';
import { mapLimit } from '../../src/executor/objects.js';
import { waitFor } from '../cluster/processes.js';
import { describeOnRealNode, useRealNode, type RealNodeFixture } from './real-node-fixture.js';

// Images that start as root meet the default policy's runAsNonRoot before they run.
const ROOT = (...workloads: string[]) =>
  workloads.map((w) => `${w}: container ${w}: CreateContainerConfigError: container has runAsNonRoot and image will run as root`).join('; ');
const UNBOUND_CLAIM = 'Unschedulable: 0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

/**
 * Every golden fixture's output applied to the real node as `kubectl apply` would apply it, with
 * images mapped to the local ones, and what became of it: Ready, or why not. The table is what the
 * node shows today; a change to the compiler that changes a line shows here.
 */
const EXPECTED: Record<string, string> = {
  'build-without-image': ROOT('api'),
  'configs-and-secrets': ROOT('proxy'),
  'dropped-keys': ROOT('legacy'),
  'environment-sources': ROOT('worker'),
  'extends-and-include': ROOT('app', 'base', 'metrics', 'job'),
  'file-modes': ROOT('web'),
  // The stand-in image has no curl for the startup probe.
  'healthcheck-and-resources': [
    'api: not ready: Unhealthy: Startup probe errored and resulted in unknown state: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "ID": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown',
    ROOT('quiet', 'shell'),
  ].join('; '),
  'merge-override-files': ROOT('admin', 'web'),
  'namespace-json': ROOT('cache'),
  'networks-external-and-proxy': ROOT('ldap', 'notebook'),
  'networks-policies': ROOT('api', 'cache', 'db', 'proxy', 'worker'),
  'pass-binds-hostpath': ROOT('exporter'),
  'pass-labels-sid-username': ROOT('notebook'),
  'pass-ports-exposure': ROOT('api', 'db', 'web', 'worker'),
  // The node has no GPU.
  'pass-probes-and-controllers': [
    'trainer: Unschedulable: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    ROOT('web', 'agent', 'db'),
  ].join('; '),
  'pass-security-allowed': ROOT('sniffer'),
  // The claims ask for a StorageClass (fast-ssd) that this cluster does not have.
  'pass-volumes-policy': `app: ${UNBOUND_CLAIM}; worker: ${UNBOUND_CLAIM}`,
  'pass-volumes-shared-warning': ROOT('a', 'b'),
  'ports-ranges-and-protocols': ROOT('dns'),
  'profiles-and-controllers': ROOT('always', 'debug', 'agent', 'migrate'),
  'proxy-ambassador': ROOT('db', 'notebook'),
  'proxy-custom-template': ROOT('notebook'),
  'proxy-httproute': `${ROOT('notebook')} (not applied: HTTPRoute, no such API here)`,
  'proxy-ingress': ROOT('dashboard'),
  'proxy-no-ports': ROOT('syslog', 'worker'),
  'run-healthchecks': 'Ready',
  'run-named-volume': ROOT('cache'),
  'run-one-shot-job': ROOT('migrate'),
  'run-secret-and-config': 'Ready',
  'run-tmpfs-read-only-user': 'Ready',
  'run-web-db-cache': ROOT('cache', 'db', 'web'),
  'volumes-and-tmpfs': ROOT('app'),
  'web-and-database': ROOT('db', 'web'),
};

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
// A workload that is neither ready nor failed is given this long; one whose pods are unschedulable
// or drew a warning (a failing probe) is reported so after WARNED_MS, as either may pass.
const SETTLE_MS = 120_000;
const WARNED_MS = 30_000;

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
    // Node ports are the cluster's: fixtures that ask for the same one take turns.
    const nodePorts = (name: string) => readFileSync(join(fixtures, name, 'expected.yaml'), 'utf8').includes('nodePort:');
    await mapLimit(names.filter((n) => !nodePorts(n)), 6, async (name) => outcomes.set(name, await runFixture(t, name)));
    for (const name of names.filter(nodePorts)) {
      outcomes.set(name, await runFixture(t, name));
      // The port is free once the Services are gone; their pods may take their grace period.
      const services = `/api/v1/namespaces/${namespaceOf(name)}/services`;
      await t.api.delete(`/api/v1/namespaces/${namespaceOf(name)}`);
      await waitFor(`the Services of ${name} to go`, 120_000, async () => ((await t.api.get(services)).items.length === 0 ? true : undefined));
    }
    console.log(['| fixture | on the real node |', '|---|---|', ...names.map((n) => `| ${n} | ${outcomes.get(n)} |`)].join('\n'));
  }, 900_000);

  it.each(names)('%s', (name) => {
    expect(outcomes.get(name)).toBe(EXPECTED[name]);
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
  let states: State[] = [];
  for (;;) {
    const patient = Date.now() - started < WARNED_MS;
    states = await Promise.all(workloads.map(async (w): Promise<State> => {
      const state = await workloadState(t, ns, w);
      if (state.kind !== 'pending' || patient) return state;
      // Past the patience: a pod still unschedulable, or warned about, is reported so.
      const reason = state.reason ?? (await lastWarning(t, ns, w.metadata.name));
      return reason ? { kind: 'failed', reason: state.reason ?? `not ready: ${reason}` } : state;
    }));
    if (states.every((s) => s.kind !== 'pending') || Date.now() - started > SETTLE_MS) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const reasons = workloads.flatMap((w, i) => {
    const s = states[i]!;
    if (s.kind === 'ready') return [];
    return [`${w.metadata.name}: ${s.kind === 'failed' ? s.reason : `not ready after ${SETTLE_MS / 1000}s`}`];
  });
  const outcome = reasons.length === 0 ? 'Ready' : reasons.join('; ');
  return skipped.length === 0 ? outcome : `${outcome} (not applied: ${skipped.join(', ')}, no such API here)`;
}

const namespaceOf = (fixture: string) => `fx-${fixture}`.slice(0, 63).replace(/-+$/, '');

/** The object as applied here: in the fixture's namespace, with local images and host paths kept inside the node's directory. */
function localize(o: any, ns: string, nodeDir: string): any {
  const copy = structuredClone(o);
  copy.metadata.namespace = ns;
  const pod = copy.spec?.template?.spec;
  if (pod) {
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      c.image = localImage(c.image);
      c.imagePullPolicy = 'Never';
    }
    for (const v of pod.volumes ?? []) if (v.hostPath) v.hostPath.path = join(nodeDir, 'host-paths', v.hostPath.path);
  }
  return copy;
}

/** Ready; failed, with why; or pending, with what holds it for now (a pod not yet scheduled, which may pass). */
type State = { kind: 'ready' } | { kind: 'failed'; reason: string } | { kind: 'pending'; reason?: string };

/** A workload's state, from its status and its pods': a container that cannot start, a failed or unschedulable pod. */
async function workloadState(t: RealNodeFixture, ns: string, w: any): Promise<State> {
  const res = await t.api.request('GET', `/apis/${w.apiVersion}/namespaces/${ns}/${w.kind.toLowerCase()}s/${w.metadata.name}`);
  if (res.status !== 200) return { kind: 'failed', reason: `HTTP ${res.status}` };
  const rollout = rolloutOf(w.kind, res.body);
  if (rollout.done) return { kind: 'ready' };
  const selector = Object.entries(res.body.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await t.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
  let unschedulable: string | undefined;
  for (const pod of pods.sort((a: any, b: any) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    // A first failed start is reported as RunContainerError, the next ones as a crash loop: wait for the loop.
    const stuck = stuckContainer(pod);
    if (stuck && !stuck.includes('RunContainerError')) return { kind: 'failed', reason: withoutPodNames(stuck) };
    const exited = pod.status?.containerStatuses?.find((c: any) => c.state?.terminated && c.state.terminated.exitCode !== 0)?.state.terminated;
    if (pod.status?.phase === 'Failed' && exited) {
      return { kind: 'failed', reason: withoutPodNames(`exited with code ${exited.exitCode} (${exited.reason})${exited.message ? `: ${exited.message.trim()}` : ''}`) };
    }
    const condition = pod.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    unschedulable ??= condition ? `Unschedulable: ${condition.message}` : undefined;
  }
  return rollout.failure ? { kind: 'failed', reason: rollout.failure } : { kind: 'pending', ...(unschedulable ? { reason: unschedulable } : {}) };
}

/** The newest warning the kubelet gave about the workload's pods (a failing probe, a mount), as `Reason: message`. */
async function lastWarning(t: RealNodeFixture, ns: string, workload: string): Promise<string | undefined> {
  const events = (await t.api.get(`/api/v1/namespaces/${ns}/events?fieldSelector=type%3DWarning,involvedObject.kind%3DPod`)).items
    .filter((e: any) => e.involvedObject.name.startsWith(`${workload}-`))
    .sort((a: any, b: any) => (a.lastTimestamp ?? a.eventTime ?? '').localeCompare(b.lastTimestamp ?? b.eventTime ?? ''));
  const last = events.at(-1);
  return last ? `${last.reason}: ${withoutPodNames(last.message)}` : undefined;
}

// Messages name the pod (random suffix), its uid, its address and container ids; the table keeps the reason.
const withoutPodNames = (message: string) =>
  message.replace(/ \(pod: "[^"]*"\)| \(pod: "[^"]*", container: [^)]*\)/g, '').replace(/\b10\.244\.0\.\d+\b/g, 'POD-IP').replace(/\b[0-9a-f]{64}\b/g, 'ID').trim();
