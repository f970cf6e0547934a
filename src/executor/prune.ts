import { SID_LABEL } from '../emit/system-labels.js';
import { PART_OF_LABEL } from './applyset.js';
import { ClusterError } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { deleteObject, listObjects } from './objects.js';
import { objectRef, resourcePath, type ResourceType } from './rest-mapping.js';
import type { Kube } from './systems.js';

/** What pruning removed, and the volume claims it let go of instead of deleting. */
export interface PruneResult {
  readonly deleted: readonly string[];
  readonly released: readonly string[];
}

/**
 * Removes the set's members that were not applied this time (objects dropped from the compose
 * file), listing only the group kinds the parent names. Volume claims are released, not deleted:
 * as with docker compose, data goes only when asked (`down --volumes`).
 */
export async function prune(kube: Kube, setId: string, namespace: string, groupKinds: readonly string[], applied: ReadonlySet<string>, dryRun: boolean): Promise<PruneResult> {
  const deleted: string[] = [];
  const released: string[] = [];
  for (const gk of groupKinds) {
    const type = await servedType(kube, gk);
    if (!type) continue; // a kind the cluster no longer serves has no members
    const members = await listObjects(kube.client, type, `${PART_OF_LABEL}=${setId}`, type.namespaced ? namespace : undefined);
    for (const obj of members) {
      if (applied.has(obj.metadata.uid ?? '') || obj.metadata.deletionTimestamp) continue;
      const ref = objectRef(type, obj.metadata.name);
      if (type.kind === 'PersistentVolumeClaim') {
        if (!dryRun) await releaseClaim(kube.client, type, obj);
        released.push(ref);
      } else {
        if (!dryRun) await deleteObject(kube.client, type, obj, 'Background', obj.metadata.uid);
        deleted.push(ref);
      }
    }
  }
  return { deleted, released };
}

/** The system a kept claim came from: `down SID --volumes` finds it by this label. */
export const RELEASED_FROM_LABEL = 'tychoc/released-from';

/**
 * Takes a volume claim out of its system (and set) but keeps its data and project label, so that
 * the project can reuse it, and the system id it had, so that its system's `down --volumes` can
 * still delete it.
 */
export async function releaseClaim(client: KubeClient, type: ResourceType, claim: KubeObject): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: resourcePath(type, claim.metadata.namespace, claim.metadata.name),
    query: { fieldManager: 'tychoc-release' },
    body: { metadata: { labels: releasePatch(claim) } },
    contentType: 'application/merge-patch+json',
  });
}

/** The labels releasing a claim changes, as a merge patch: `null` removes one. */
export function releasePatch(claim: KubeObject): Record<string, string | null> {
  const from = claim.metadata.labels?.[SID_LABEL];
  return { [SID_LABEL]: null, [PART_OF_LABEL]: null, name: null, username: null, ...(from ? { [RELEASED_FROM_LABEL]: from } : {}) };
}

/** The resource type of a group/kind, or none when the cluster no longer serves it. */
export async function servedType(kube: Kube, groupKind: string): Promise<ResourceType | undefined> {
  try {
    return await kube.mapper.forGroupKind(groupKind);
  } catch (e) {
    if (e instanceof ClusterError && e.kind === 'notFound') return undefined;
    throw e;
  }
}
