import { parentGroupKinds } from './applyset.js';
import { ApiError, ClusterError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { deleteObject, listVisible, poll, type Propagation } from './objects.js';
import { releaseClaim } from './prune.js';
import { KNOWN_GROUP_KINDS, objectRef, resourcePath, type ResourceType } from './rest-mapping.js';
import { findSystems, systemSelector, type Kube } from './systems.js';

/** How to take a system down. */
export interface DownOptions {
  readonly sid: string;
  /** Only look in this namespace; default: every namespace visible. */
  readonly namespace?: string;
  /** Delete volume claims too (default: keep them, released for the project's next system). */
  readonly volumes: boolean;
  readonly timeoutMs: number;
}

/** What `down` did. */
export interface DownResult {
  readonly deleted: readonly string[];
  readonly keptClaims: readonly string[];
  /** Per-system namespaces deleted, and those kept because they hold kept claims. */
  readonly namespaces: { readonly deleted: readonly string[]; readonly kept: readonly string[] };
}

// Controllers go in the foreground so that waiting for them also waits for their pods.
const FOREGROUND = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * Deletes every object carrying the system's id label, and only those, then waits until they are
 * gone. Objects a controller owns are left to the garbage collector; the ApplySet parent goes last.
 */
export async function takeDown(kube: Kube, opts: DownOptions): Promise<DownResult> {
  const selector = systemSelector(opts.sid);
  const parents = await findSystems(kube, { sid: opts.sid, namespace: opts.namespace });
  const kinds = new Set([...KNOWN_GROUP_KINDS, ...parents.flatMap((p) => parentGroupKinds(p.parent))]);
  const found: { type: ResourceType; obj: KubeObject }[] = [];
  for (const gk of [...kinds].sort()) {
    const type = await kube.mapper.forGroupKind(gk).catch((e) => (e instanceof ClusterError && e.kind === 'notFound' ? undefined : Promise.reject(e)));
    if (!type) continue;
    for (const obj of await listVisible(kube.client, type, selector, opts.namespace, kube.defaultNamespace)) {
      if (!(obj.metadata as { ownerReferences?: unknown[] }).ownerReferences?.length) found.push({ type, obj });
    }
  }
  const namespaces = await systemNamespaces(kube, selector, opts.namespace);
  if (found.length === 0 && namespaces.length === 0) throw new ClusterError('notFound', `no system with id ${opts.sid}${opts.namespace ? ` in namespace ${opts.namespace}` : ''}`);

  const isParent = (o: KubeObject) => parents.some((p) => p.parent?.metadata.uid === o.metadata.uid);
  found.sort((a, b) => Number(isParent(a.obj)) - Number(isParent(b.obj)));
  const deleted: { type: ResourceType; obj: KubeObject }[] = [];
  const keptClaims: KubeObject[] = [];
  for (const { type, obj } of found) {
    if (type.kind === 'PersistentVolumeClaim' && !opts.volumes) {
      await releaseClaim(kube.client, type, obj);
      keptClaims.push(obj);
      continue;
    }
    const propagation: Propagation = FOREGROUND.has(type.kind) ? 'Foreground' : 'Background';
    if (await deleteObject(kube.client, type, obj, propagation, obj.metadata.uid)) deleted.push({ type, obj });
  }
  const keptNs = namespaces.filter((ns) => keptClaims.some((c) => c.metadata.namespace === ns.metadata.name));
  const goneNs = namespaces.filter((ns) => !keptNs.includes(ns));
  const nsType = await kube.mapper.forKind('v1', 'Namespace');
  for (const ns of goneNs) await deleteObject(kube.client, nsType, ns, 'Background', ns.metadata.uid);

  const podType = await kube.mapper.forKind('v1', 'Pod');
  const waitingFor = [...deleted, ...goneNs.map((obj) => ({ type: nsType, obj }))];
  await poll(opts.timeoutMs, 500, async () => {
    const left = await Promise.all(waitingFor.map(async ({ type, obj }) => {
      const now = await kube.client.getOrUndefined(resourcePath(type, obj.metadata.namespace, obj.metadata.name));
      return now?.metadata.uid === obj.metadata.uid ? 1 : 0;
    }));
    const pods = await listVisible(kube.client, podType, selector, opts.namespace, kube.defaultNamespace);
    return left.every((n) => n === 0) && pods.length === 0 ? true : undefined;
  }, () => new ClusterError('timeout', `system ${opts.sid} was not gone after ${Math.round(opts.timeoutMs / 1000)}s (still deleting)`));

  return {
    deleted: deleted.map(({ type, obj }) => objectRef(type, obj.metadata.name)),
    keptClaims: keptClaims.map((c) => `persistentvolumeclaim/${c.metadata.name}`),
    namespaces: { deleted: goneNs.map((n) => n.metadata.name), kept: keptNs.map((n) => n.metadata.name) },
  };
}

/** Per-system namespaces carry the system's labels; listing namespaces may be forbidden, and then there are none to find. */
async function systemNamespaces(kube: Kube, selector: string, namespace: string | undefined): Promise<KubeObject[]> {
  try {
    const type = await kube.mapper.forKind('v1', 'Namespace');
    const { body } = await kube.client.request<{ items: KubeObject[] }>({ method: 'GET', path: resourcePath(type), query: { labelSelector: selector } });
    return body.items.filter((ns) => namespace === undefined || ns.metadata.name === namespace);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return [];
    throw e;
  }
}
