import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { stuckContainer } from '../../src/executor/pod-failures.js';
import { rolloutOf } from '../../src/executor/wait.js';
import { mapLimit } from '../../src/executor/objects.js';
import { describeOnRealNode, useRealNode, type RealNodeFixture } from './real-node-fixture.js';

/**
 * Every golden fixture's output applied to the real node as `kubectl apply` would apply it, with
 * images mapped to the local ones, and what became of it: Ready, or why not. The table is what the
 * node shows today; a change to the compiler that changes a line shows here.
 */
const EXPECTED: Record<string, string> = {};

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const SETTLE_MS = 120_000;

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
    await mapLimit(names, 6, async (name) => outcomes.set(name, await runFixture(t, name)));
    console.log(['| fixture | on the real node |', '|---|---|', ...names.map((n) => `| ${n} | ${outcomes.get(n)} |`)].join('\n'));
  }, 900_000);

  it.each(names)('%s', (name) => {
    expect(outcomes.get(name)).toBe(EXPECTED[name]);
  });
});

/** Applies one fixture's objects in a namespace of its own and waits until each workload is ready or cannot be. */
async function runFixture(t: RealNodeFixture, name: string): Promise<string> {
  const ns = `fx-${name}`.slice(0, 63).replace(/-+$/, '');
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
  const deadline = Date.now() + SETTLE_MS;
  let states: string[] = [];
  for (;;) {
    states = await Promise.all(workloads.map((w) => workloadState(t, ns, w)));
    if (states.every((s) => s !== 'pending') || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const failing = workloads.map((w, i) => [w.metadata.name, states[i]]).filter(([, s]) => s !== 'ready');
  const outcome = failing.length === 0 ? 'Ready' : failing.map(([w, s]) => `${w}: ${s === 'pending' ? `not ready after ${SETTLE_MS / 1000}s` : s}`).join('; ');
  return skipped.length === 0 ? outcome : `${outcome} (not applied: ${skipped.join(', ')}, no such API here)`;
}

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

/** `ready`, `pending`, or why the workload cannot become ready (a container that cannot start, a failed or unschedulable pod). */
async function workloadState(t: RealNodeFixture, ns: string, w: any): Promise<string> {
  const res = await t.api.request('GET', `/apis/${w.apiVersion}/namespaces/${ns}/${w.kind.toLowerCase()}s/${w.metadata.name}`);
  if (res.status !== 200) return `HTTP ${res.status}`;
  const rollout = rolloutOf(w.kind, res.body);
  if (rollout.done) return 'ready';
  const selector = Object.entries(res.body.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await t.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
  for (const pod of pods) {
    // A first failed start is reported as RunContainerError, the next ones as a crash loop: wait for the loop.
    const stuck = stuckContainer(pod);
    if (stuck && !stuck.includes('RunContainerError')) return withoutPodNames(stuck);
    const exited = pod.status?.containerStatuses?.find((c: any) => c.state?.terminated && c.state.terminated.exitCode !== 0)?.state.terminated;
    if (pod.status?.phase === 'Failed' && exited) return withoutPodNames(`exited with code ${exited.exitCode} (${exited.reason})${exited.message ? `: ${exited.message.trim()}` : ''}`);
    const unschedulable = pod.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    if (unschedulable) return `Unschedulable: ${unschedulable.message}`;
  }
  return rollout.failure ?? 'pending';
}

// Messages name the pod (random suffix) and its uid; the table keeps the reason.
const withoutPodNames = (message: string) => message.replace(/ \(pod: "[^"]*"\)| \(pod: "[^"]*", container: [^)]*\)/g, '').trim();
