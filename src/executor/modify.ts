import { ClusterError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { listVisible } from './objects.js';
import { objectRef, resourcePath, WORKLOAD_KINDS, type ResourceType } from './rest-mapping.js';
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

// Not the executor's own manager: an apply under `tychoc` with a partial object would remove
// every field it leaves out. A later `up --sid` reports these fields as conflicts unless forced.
const MODIFY_MANAGER = 'tychoc-modify';
const SCALE_MANAGER = 'tychoc-scale';

/** The system's workloads, all of them or the one of `service`; throws `notFound` naming what exists. */
export async function findWorkloads(kube: Kube, sid: string, service: string | undefined, namespace?: string): Promise<Workload[]> {
  const all: Workload[] = [];
  for (const kind of WORKLOAD_KINDS) {
    const type = await kube.mapper.forKind(kind === 'Job' ? 'batch/v1' : 'apps/v1', kind);
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

/** Applies resource and label changes to each workload (and its pod template) with its own field manager. */
export async function modifyWorkloads(kube: Kube, workloads: readonly Workload[], changes: Changes): Promise<string[]> {
  if (changes.replicas !== undefined) await scaleWorkloads(kube, workloads, changes.replicas);
  if (changes.cpu === undefined && changes.memory === undefined && changes.labels === undefined) return workloads.map((w) => w.ref);
  for (const w of workloads) {
    const quantities = { ...(changes.cpu ? { cpu: changes.cpu } : {}), ...(changes.memory ? { memory: changes.memory } : {}) };
    const containers = ((w.obj['spec']?.template?.spec?.containers ?? []) as { name: string }[]).map((c) => ({
      name: c.name,
      ...(Object.keys(quantities).length ? { resources: { requests: quantities, limits: quantities } } : {}),
    }));
    const labels = changes.labels ? { labels: { ...changes.labels } } : {};
    const body = {
      apiVersion: w.type.group ? `${w.type.group}/${w.type.version}` : w.type.version,
      kind: w.type.kind,
      metadata: { name: w.obj.metadata.name, namespace: w.obj.metadata.namespace, ...labels },
      spec: { template: { metadata: { ...labels }, spec: { containers } } },
    };
    await kube.client.request({
      method: 'PATCH',
      path: resourcePath(w.type, w.obj.metadata.namespace, w.obj.metadata.name),
      query: { fieldManager: MODIFY_MANAGER, force: 'true', fieldValidation: 'Strict' },
      body: JSON.stringify(body),
      contentType: 'application/apply-patch+yaml',
    });
  }
  return workloads.map((w) => w.ref);
}
