import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe } from 'vitest';
import { locateBinaries } from '../cluster/binaries.js';
import { KubeHttp } from '../cluster/http.js';
import { waitFor } from '../cluster/processes.js';
import { useClusterForFile } from '../cluster/use-for-file.js';
import type { NodeOptions } from '../cluster/node-agents.js';
import { realNodeUnavailable, startRealNode, type RealNode } from '../cluster/real-node.js';
import { runCli, type CliRun } from '../run-cli.js';

/** Why this machine cannot run a real node; under CI=true the suite fails instead of skipping. */
export const unavailable = await realNodeUnavailable();
if (unavailable && process.env.CI !== 'true') console.warn(`real-node tests skipped: ${unavailable}`);

/** `describe`, skipped (with the reason printed above) where a real node cannot start, except in CI. */
export const describeOnRealNode = unavailable && process.env.CI !== 'true' ? describe.skip : describe;

/** The output of a command run in a pod. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real node for one test file, with tychoc, kubectl and checks from inside the cluster. */
export interface RealNodeFixture {
  readonly node: RealNode;
  readonly api: KubeHttp;
  /** Runs tychoc in-process with KUBECONFIG pointing at the node, and `env` besides. */
  tychoc(args: readonly string[], cwd?: string, env?: Record<string, string>): Promise<CliRun>;
  /** Runs the harness's kubectl against the node. */
  kubectl(args: readonly string[]): Promise<ExecResult>;
  /** Runs `sh -c script` in a pod's first container, for 20 seconds at most. */
  exec(namespace: string, pod: string, script: string): Promise<ExecResult>;
  /** Starts the client pod (psql, redis-cli, wget, nc) in `namespace` and returns its name once it runs. */
  client(namespace: string): Promise<string>;
}

/** Starts the real node before the file's tests and stops it after them. */
export function useRealNode(options: NodeOptions = {}): RealNodeFixture {
  const node = useClusterForFile('startRealNode', () => startRealNode(options), 240_000);
  let api: KubeHttp | undefined;
  let kubectlPath: string | undefined;
  const kubectl = async (args: readonly string[]): Promise<ExecResult> => {
    try {
      // Its discovery cache goes with the node, not into ~/.kube.
      const global = ['--kubeconfig', node().kubeconfig, '--cache-dir', join(node().dir, 'kubectl-cache')];
      kubectlPath ??= (await locateBinaries()).kubectl;
      const { stdout, stderr } = await promisify(execFile)(kubectlPath, [...global, ...args], { maxBuffer: 16 << 20, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
    }
  };
  const fixture: RealNodeFixture = {
    get node() {
      return node();
    },
    get api() {
      return (api ??= new KubeHttp(node()));
    },
    tychoc: (args, cwd = tmpdir(), env = {}) => runCli(args, cwd, { ...env, KUBECONFIG: node().kubeconfig }),
    kubectl,
    // A check that hangs (a connection to a pod that just went away) must not hold the retry loop.
    exec: (namespace, pod, script) => kubectl(['exec', '-n', namespace, pod, '--', 'timeout', '20', 'sh', '-c', script]),
    async client(namespace) {
      const name = 'client';
      const res = await fixture.api.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 0,
          containers: [{ name, image: 'tychoc.test/client:1', imagePullPolicy: 'Never' }],
        },
      });
      if (res.status !== 201 && res.status !== 409) throw new Error(`creating the client pod: HTTP ${res.status} ${res.text}`);
      await waitFor('the client pod to run', 60_000, async () => {
        const pod = await fixture.api.get(`/api/v1/namespaces/${namespace}/pods/${name}`);
        return pod.status?.phase === 'Running' ? true : undefined;
      });
      return name;
    },
  };
  return fixture;
}

/** Runs `check` until it passes or `timeoutMs` runs out (names and routes take a moment to appear); returns the last result. */
export async function eventually(what: string, check: () => Promise<ExecResult>, ok: (r: ExecResult) => boolean, timeoutMs = 60_000): Promise<ExecResult> {
  let last: ExecResult = { code: -1, stdout: '', stderr: 'not run' };
  try {
    return await waitFor(what, timeoutMs, async () => {
      last = await check();
      return ok(last) ? last : undefined;
    });
  } catch {
    return last;
  }
}

/** Objects of system `sid` still in `ns`, as resource/name. */
export async function leftovers(api: KubeHttp, ns: string, sid: string): Promise<string[]> {
  const kinds = ['api/v1/pods', 'api/v1/services', 'api/v1/configmaps', 'api/v1/secrets', 'api/v1/persistentvolumeclaims',
    'apis/apps/v1/deployments', 'apis/apps/v1/statefulsets', 'apis/apps/v1/daemonsets', 'apis/apps/v1/replicasets', 'apis/batch/v1/jobs'];
  const found: string[] = [];
  for (const kind of kinds) {
    const [prefix, resource] = [kind.slice(0, kind.lastIndexOf('/')), kind.slice(kind.lastIndexOf('/') + 1)];
    const list = await api.get(`/${prefix}/namespaces/${ns}/${resource}?labelSelector=tycho-guid%3D${sid}`);
    found.push(...list.items.map((o: any) => `${resource}/${o.metadata.name}`));
  }
  return found;
}
