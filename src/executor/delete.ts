import { SID_LABEL } from '../emit/system-labels.js';
import { parentGroupKinds } from './applyset.js';
import { ApiError, ClusterError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { LOCK_WAIT_MS, withNamespaceLocks, type LockHolder } from './lock.js';
import { deleteObject, listObjects, listVisible, mapLimit, poll, type Propagation } from './objects.js';
import { releaseClaim, RELEASED_FROM_LABEL } from './prune.js';
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
  /** Per-system namespaces deleted, and those kept because they hold objects not of the system (such as kept claims). */
  readonly namespaces: { readonly deleted: readonly string[]; readonly kept: readonly { readonly name: string; readonly holds: readonly string[] }[] };
}

const CONCURRENCY = 8;
const POLL_MS = 250;

// Controllers go in the foreground so that waiting for them also waits for their pods.
const FOREGROUND = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * Deletes every object carrying the system's id label, and only those, then waits until they are
 * gone. Objects a controller owns are left to the garbage collector; the ApplySet parent goes last.
 * It holds the lock of the system's namespaces, so that it waits for an `up` that is still
 * applying rather than racing it.
 */
export async function takeDown(kube: Kube, opts: DownOptions, onWait?: (by: LockHolder) => void): Promise<DownResult> {
  const namespaces = (await findSystems(kube, { sid: opts.sid, namespace: opts.namespace })).map((s) => s.namespace);
  return withNamespaceLocks(kube.client, namespaces, `down ${opts.sid}`, LOCK_WAIT_MS, () => deleteSystem(kube, opts), onWait);
}

async function deleteSystem(kube: Kube, opts: DownOptions): Promise<DownResult> {
  const selector = systemSelector(opts.sid);
  const parents = await findSystems(kube, { sid: opts.sid, namespace: opts.namespace });
  const kinds = new Set([...KNOWN_GROUP_KINDS, ...parents.flatMap((p) => parentGroupKinds(p.parent))]);
  const types = await mapLimit([...kinds].sort(), CONCURRENCY, (gk) =>
    kube.mapper.forGroupKind(gk).catch((e) => (e instanceof ClusterError && e.kind === 'notFound' ? undefined : Promise.reject(e))),
  );
  const lists = await mapLimit(types.filter((t) => t !== undefined), CONCURRENCY, async (type) =>
    (await listVisible(kube.client, type, selector, opts.namespace, kube.defaultNamespace)).map((obj) => ({ type, obj })),
  );
  // Claims an earlier plain `down` (or a prune) kept, which no system has taken over since.
  const claimType = await kube.mapper.forKind('v1', 'PersistentVolumeClaim');
  const released = (await listVisible(kube.client, claimType, `${RELEASED_FROM_LABEL}=${opts.sid},!${SID_LABEL}`, opts.namespace, kube.defaultNamespace)).map((obj) => ({ type: claimType, obj }));
  const found = [...lists.flat().filter(({ obj }) => !(obj.metadata as { ownerReferences?: unknown[] }).ownerReferences?.length), ...(opts.volumes ? released : [])];
  const namespaces = await systemNamespaces(kube, selector, opts.namespace);
  if (found.length === 0 && namespaces.length === 0 && released.length === 0) throw new ClusterError('notFound', `no system with id ${opts.sid}${opts.namespace ? ` in namespace ${opts.namespace}` : ''}`);

  const isParent = (o: KubeObject) => parents.some((p) => p.parent?.metadata.uid === o.metadata.uid);
  const remove = async ({ type, obj }: { type: ResourceType; obj: KubeObject }): Promise<'deleted' | 'kept' | 'gone'> => {
    if (type.kind === 'PersistentVolumeClaim' && !opts.volumes && !holdsNothing(obj)) {
      await releaseClaim(kube.client, type, obj);
      return 'kept';
    }
    const propagation: Propagation = FOREGROUND.has(type.kind) ? 'Foreground' : 'Background';
    return (await deleteObject(kube.client, type, obj, propagation, obj.metadata.uid)) ? 'deleted' : 'gone';
  };
  // The ApplySet parents last: while a member is left, the system can still be found and taken down again.
  const members = found.filter(({ obj }) => !isParent(obj));
  const parentObjects = found.filter(({ obj }) => isParent(obj));
  const ordered = [...members, ...parentObjects];
  const outcomes = [...(await mapLimit(members, CONCURRENCY, remove)), ...(await mapLimit(parentObjects, CONCURRENCY, remove))];
  const deleted = ordered.filter((_, i) => outcomes[i] === 'deleted');
  const keptClaims = [...ordered.filter((_, i) => outcomes[i] === 'kept').map(({ obj }) => obj), ...(opts.volumes ? [] : released.map(({ obj }) => obj))];
  const keptNs: { name: string; holds: string[] }[] = [];
  const goneNs: KubeObject[] = [];
  for (const ns of namespaces) {
    const holds = await strangers(kube, ns.metadata.name, opts.sid);
    if (holds.length > 0) keptNs.push({ name: ns.metadata.name, holds });
    else goneNs.push(ns);
  }
  const nsType = await kube.mapper.forKind('v1', 'Namespace');
  for (const ns of goneNs) await deleteObject(kube.client, nsType, ns, 'Background', ns.metadata.uid);

  const podType = await kube.mapper.forKind('v1', 'Pod');
  let waitingFor = [...deleted, ...goneNs.map((obj) => ({ type: nsType, obj }))];
  await poll(opts.timeoutMs, POLL_MS, async () => {
    const present = await mapLimit(waitingFor, CONCURRENCY, async ({ type, obj }) => {
      const now = await kube.client.getOrUndefined(resourcePath(type, obj.metadata.namespace, obj.metadata.name));
      return now?.metadata.uid === obj.metadata.uid;
    });
    waitingFor = waitingFor.filter((_, i) => present[i]);
    if (waitingFor.length > 0) return undefined;
    const pods = await listVisible(kube.client, podType, selector, opts.namespace, kube.defaultNamespace);
    return pods.length === 0 ? true : undefined;
  }, () => new ClusterError('timeout', `system ${opts.sid} was not gone after ${Math.round(opts.timeoutMs / 1000)}s (still deleting)`));

  return {
    deleted: deleted.map(({ type, obj }) => objectRef(type, obj.metadata.name)),
    keptClaims: keptClaims.map((c) => `persistentvolumeclaim/${c.metadata.name}`),
    namespaces: { deleted: goneNs.map((n) => n.metadata.name), kept: keptNs },
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

// What Kubernetes itself puts into every namespace.
const BUILT_IN = new Set(['ConfigMap/kube-root-ca.crt', 'ServiceAccount/default']);

/**
 * Objects in a per-system namespace that are not the system's (a kept claim, something a user
 * added): deleting the namespace would delete them too, so it stays. Covers the kinds tychoc knows.
 */
async function strangers(kube: Kube, namespace: string, sid: string): Promise<string[]> {
  const found: string[] = [];
  for (const gk of KNOWN_GROUP_KINDS) {
    const type = await kube.mapper.forGroupKind(gk);
    for (const o of await listObjects(kube.client, type, '', namespace)) {
      const owned = (o.metadata as { ownerReferences?: unknown[] }).ownerReferences?.length;
      const token = type.kind === 'Secret' && o['type'] === 'kubernetes.io/service-account-token';
      if (o.metadata.labels?.[SID_LABEL] === sid || o.metadata.deletionTimestamp || owned || token || BUILT_IN.has(`${type.kind}/${o.metadata.name}`)) continue;
      found.push(objectRef(type, o.metadata.name));
    }
  }
  return found;
}

/**
 * The annotation of a claim that holds no data of its own: it is bound to a volume that outlives
 * it (a launch's homes, whose volume is retained), so down deletes it with the rest.
 */
export const HOLDS_NOTHING_ANNOTATION = 'tychoc.io/holds-nothing';

const holdsNothing = (claim: KubeObject) => claim.metadata.annotations?.[HOLDS_NOTHING_ANNOTATION] === 'true';
