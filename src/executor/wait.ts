import type { Target } from './apply.js';
import { ClusterError, interruption } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { mapLimit, poll } from './objects.js';
import { podFailure } from './pod-failures.js';

/** How far one workload's rollout has got. */
export interface Rollout {
  /** `deployment.apps/web`. */
  readonly ref: string;
  readonly done: boolean;
  /** e.g. `1/2 available`, `0/1 succeeded`. */
  readonly detail: string;
  /** Set when the rollout cannot succeed any more (a failed Job, a stalled Deployment). */
  readonly failure?: string;
}

const KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job']);

/** Reads one workload's rollout state from its status, the way `kubectl rollout status` judges it. */
export function rolloutOf(ref: string, o: KubeObject): Rollout {
  const st = o['status'] ?? {};
  const current = (st.observedGeneration ?? 0) >= ((o.metadata as { generation?: number }).generation ?? 0);
  const cond = (type: string) => (st.conditions ?? []).find((c: { type: string; status: string }) => c.type === type && c.status === 'True');
  switch (o.kind) {
    case 'Job': {
      const failed = cond('Failed');
      const completions = o['spec']?.completions ?? 1;
      const detail = `${st.succeeded ?? 0}/${completions} succeeded`;
      return { ref, done: !!cond('Complete'), detail, ...(failed ? { failure: `${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim() } : {}) };
    }
    case 'CronJob': {
      // Nothing to roll out: each run is a Job of its own, started on the schedule.
      const runs = (st.active ?? []).length;
      return { ref, done: true, detail: `${runs} running, last started ${st.lastScheduleTime ?? 'never'}` };
    }
    case 'DaemonSet': {
      const want = st.desiredNumberScheduled ?? 0;
      const done = current && (st.updatedNumberScheduled ?? 0) >= want && (st.numberAvailable ?? 0) >= want;
      return { ref, done, detail: `${st.numberAvailable ?? 0}/${want} available` };
    }
    default: {
      const want = o['spec']?.replicas ?? 1;
      const ready = o.kind === 'StatefulSet' ? (st.readyReplicas ?? 0) : (st.availableReplicas ?? 0);
      // Old pods of a rolling update count in status.replicas until they are gone.
      const done = current && (st.updatedReplicas ?? 0) >= want && ready >= want && (st.replicas ?? 0) <= want;
      const stalled = (st.conditions ?? []).find((c: { type: string; reason?: string }) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      return { ref, done, detail: `${ready}/${want} ${o.kind === 'StatefulSet' ? 'ready' : 'available'}`, ...(stalled ? { failure: stalled.message } : {}) };
    }
  }
}

/** The workloads among applied targets: what `--wait` waits for. */
export function workloads(targets: readonly Target[]): Target[] {
  return targets.filter((t) => KINDS.has(t.type.kind));
}

/**
 * Polls the workloads until all have rolled out (Deployments, DaemonSets and StatefulSets ready,
 * Jobs complete); fails at once when one cannot succeed (its own status says so, or one of its
 * pods has a container that cannot start), and with `timeout` when time runs out.
 */
export async function waitForRollout(client: KubeClient, targets: readonly Target[], timeoutMs: number, onProgress?: (states: readonly Rollout[]) => void, signal?: AbortSignal): Promise<Rollout[]> {
  let last: Rollout[] = [];
  return poll(
    timeoutMs,
    1000,
    async () => {
      if (signal?.aborted) throw interruption(signal);
      last = await mapLimit(targets, 8, async (t) => {
        const object = (await client.request<KubeObject>({ method: 'GET', path: t.path })).body;
        const rollout = rolloutOf(t.ref, object);
        if (rollout.done || rollout.failure) return rollout;
        const stuck = await podFailure(client, object);
        return stuck ? { ...rollout, failure: stuck } : rollout;
      });
      onProgress?.(last);
      const failed = last.find((r) => r.failure);
      if (failed) throw new ClusterError('failed', `${failed.ref} failed: ${failed.failure}`);
      return last.every((r) => r.done) ? last : undefined;
    },
    () => {
      const pending = last.filter((r) => !r.done).map((r) => `${r.ref} (${r.detail})`);
      return new ClusterError('timeout', `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${pending.join(', ')}`);
    },
  );
}
