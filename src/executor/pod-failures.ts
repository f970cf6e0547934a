import { ApiError } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';

// Waiting reasons the kubelet keeps reporting until the pod or the cluster changes: a wait for
// such a pod to become ready can only time out.
const STUCK = new Set([
  'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'CrashLoopBackOff',
  'InvalidImageName', 'ErrImageNeverPull', 'ImagePullBackOff', 'ImageInspectError',
]);

/**
 * Restarts after which a crash loop counts as a failure (the kubelet's back-off reaches 40 s):
 * an app that exits until the database it needs is up (compose's depends_on has no Kubernetes
 * counterpart) gets that long to settle.
 */
export const CRASH_LOOP_RESTARTS = 3;

/** Why a container of the pod cannot start, e.g. `container web: CreateContainerConfigError: …`, or undefined. */
export function stuckContainer(pod: KubeObject): string | undefined {
  const status = pod['status'] ?? {};
  for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    if (!waiting || !STUCK.has(waiting.reason)) continue;
    if (waiting.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) < CRASH_LOOP_RESTARTS) continue;
    // A crash loop's own message only says it is backing off; the last exit says why.
    const exited = c.lastState?.terminated;
    const detail = waiting.reason === 'CrashLoopBackOff' && exited ? exitOf(exited) : waiting.message;
    return `container ${c.name}: ${waiting.reason}${detail ? `: ${detail}` : ''}`;
  }
  return undefined;
}

/**
 * The first of a workload's pods (by name) that cannot start, as `pod/NAME container …`, or
 * undefined; also undefined for a user who may not list pods, who waits as before.
 */
export async function podFailure(client: KubeClient, workload: KubeObject): Promise<string | undefined> {
  const labels: Record<string, string> | undefined = workload['spec']?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  let pods: KubeObject[];
  try {
    const { body } = await client.request<{ items: KubeObject[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/${workload.metadata.namespace}/pods`,
      query: { labelSelector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') },
    });
    pods = body.items;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return undefined;
    throw e;
  }
  for (const pod of pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const stuck = stuckContainer(pod);
    if (stuck) return `pod/${pod.metadata.name} ${stuck}`;
  }
  return undefined;
}

/**
 * How a container ended: `exited with code 1 (Error): <its last log line>`. Its message holds
 * the end of its log when it failed (terminationMessagePolicy FallbackToLogsOnError).
 */
export function exitOf(terminated: { exitCode: number; reason?: string; message?: string }): string {
  const last = terminated.message?.trim().split('\n').at(-1)?.trim();
  return `exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}${last ? `: ${last}` : ''}`;
}
