import { ClusterError } from './errors.js';
import { LOCK_WAIT_MS, withNamespaceLocks, type LockHolder } from './lock.js';
import { applyModifications } from './modifications.js';
import type { KubeObject } from './kube-client.js';
import { listVisible } from './objects.js';
import { objectRef, resourcePath, WORKLOAD_KINDS, workloadApiVersion, type ResourceType } from './rest-mapping.js';
import { systemSelector, type Kube } from './systems.js';

/** Changes to a running system's services; unset fields stay as they are. */
export interface Changes {
  readonly cpu?: string;
  readonly memory?: string;
  readonly replicas?: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A workload of a system, found by its service name. */
interface Workload {
  readonly type: ResourceType;
  readonly obj: KubeObject;
  readonly service: string;
  readonly ref: string;
}

// Not the executor's own manager: a later `up --sid` reports replicas as a conflict unless forced.
const SCALE_MANAGER = 'tychoc-scale';

/** The system's workloads, all of them or the one of `service`; throws `notFound` naming what exists. */
export async function findWorkloads(kube: Kube, sid: string, service: string | undefined, namespace?: string): Promise<Workload[]> {
  const all: Workload[] = [];
  for (const kind of WORKLOAD_KINDS) {
    const type = await kube.mapper.forKind(workloadApiVersion(kind), kind);
    for (const obj of await listVisible(kube.client, type, systemSelector(sid), namespace, kube.defaultNamespace)) {
      const name = obj.metadata.labels?.['app.kubernetes.io/name'] ?? obj.metadata.name;
      all.push({ type, obj, service: name, ref: objectRef(type, obj.metadata.name) });
    }
  }
  if (all.length === 0) throw new ClusterError('notFound', `no system with id ${sid}`);
  const chosen = service === undefined ? all : all.filter((w) => w.service === service);
  if (chosen.length === 0) {
    throw new ClusterError('notFound', `system ${sid} has no service ${service} (it has ${all.map((w) => w.service).sort().join(', ')})`);
  }
  return chosen;
}

/**
 * Runs `fn` on the system's workloads (all, or the one of `service`) while holding the lock of
 * their namespaces, so that a change does not interleave with an `up` or `down` of the same system.
 */
export async function withWorkloads<T>(kube: Kube, sid: string, service: string | undefined, namespace: string | undefined, fn: (workloads: Workload[]) => Promise<T>, onWait?: (by: LockHolder) => void): Promise<T> {
  const namespaces = (await findWorkloads(kube, sid, service, namespace)).map((w) => w.obj.metadata.namespace ?? '');
  return withNamespaceLocks(kube.client, namespaces, `modify ${sid}`, LOCK_WAIT_MS, async () => fn(await findWorkloads(kube, sid, service, namespace)), onWait);
}

/** Sets replicas through the scale subresource, as `kubectl scale` does; returns the refs scaled. */
export async function scaleWorkloads(kube: Kube, workloads: readonly Workload[], replicas: number): Promise<string[]> {
  for (const w of workloads) {
    if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(w.type.kind)) {
      throw new ClusterError('invalid', `${w.ref} is a ${w.type.kind}, which has no replica count`);
    }
  }
  for (const w of workloads) {
    await kube.client.request({
      method: 'PATCH',
      path: resourcePath(w.type, w.obj.metadata.namespace, w.obj.metadata.name, 'scale'),
      query: { fieldManager: SCALE_MANAGER },
      body: { spec: { replicas } },
      contentType: 'application/merge-patch+json',
    });
  }
  return workloads.map((w) => w.ref);
}

/** Applies resource and label changes to each workload (and its pod template); they compose with earlier ones (see modifications.ts). */
export async function modifyWorkloads(kube: Kube, workloads: readonly Workload[], changes: Changes): Promise<string[]> {
  if (changes.replicas !== undefined) await scaleWorkloads(kube, workloads, changes.replicas);
  if (changes.cpu === undefined && changes.memory === undefined && changes.labels === undefined) return workloads.map((w) => w.ref);
  for (const w of workloads) await applyModifications(kube.client, w.type, w.obj, changes);
  return workloads.map((w) => w.ref);
}

const RESTART_MANAGER = 'tychoc-restart';

/**
 * Restarts the pods of each workload as `kubectl rollout restart` does: a new
 * `kubectl.kubernetes.io/restartedAt` annotation on the pod template rolls them. A Job's template
 * cannot change; its pods run to completion.
 */
export async function restartWorkloads(kube: Kube, workloads: readonly Workload[], at = new Date()): Promise<string[]> {
  for (const w of workloads) {
    if (w.type.kind === 'Job' || w.type.kind === 'CronJob') throw new ClusterError('invalid', `${w.ref} is a ${w.type.kind}, whose pods run once; it cannot be restarted`);
  }
  for (const w of workloads) {
    await kube.client.request({
      method: 'PATCH',
      path: resourcePath(w.type, w.obj.metadata.namespace, w.obj.metadata.name),
      query: { fieldManager: RESTART_MANAGER },
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at.toISOString() } } } } },
      contentType: 'application/merge-patch+json',
    });
  }
  return workloads.map((w) => w.ref);
}
