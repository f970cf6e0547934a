import type { Manifest } from '../emit/chart.js';
import { resolveTargets, serverSideApply, type Target } from './apply.js';
import { applySetId, PART_OF_LABEL, parentGroupKinds, parentObject } from './applyset.js';
import { resolveSystem, setMembers } from './deploy.js';
import { ClusterError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { listObjects, mapLimit } from './objects.js';
import { releasePatch, servedType } from './prune.js';
import { objectRef, type ResourceType } from './rest-mapping.js';
import type { Kube } from './systems.js';

/** One object as it is on the cluster and as deploying would leave it; absent on a side where there is none. */
export interface ObjectState {
  /** `deployment.apps/web`. */
  readonly ref: string;
  readonly type: ResourceType;
  readonly name: string;
  readonly namespace?: string;
  readonly live?: KubeObject;
  readonly merged?: KubeObject;
}

/** What deploying the manifests would do to the project's system, and which system that is. */
export interface SystemDiff {
  readonly sid: string;
  readonly namespace: string;
  /** No system of the project was found: every object would be new. */
  readonly isNew: boolean;
  /** In apply order, then what pruning would remove (or release, for volume claims). */
  readonly objects: readonly ObjectState[];
}

/** The system to compare with, as `apply` finds it: `sid`, else the project's one system in `namespace`. */
export interface DiffOptions {
  readonly app: string;
  readonly manifests: readonly Manifest[];
  readonly sid?: string;
  readonly namespace: string;
  readonly tooling: string;
}

const CONCURRENCY = 8;

/**
 * Server-side dry runs (`dryRun=All`, field manager tychoc, conflicts forced: what the compose file
 * asks for wins, as with `up --force-conflicts`) of the system's objects beside their live state,
 * and the members of its live ApplySet that pruning would remove. Changes nothing.
 */
export async function diffSystem(kube: Kube, opts: DiffOptions): Promise<SystemDiff> {
  const { id, namespace, isNew } = await resolveSystem(kube, { ...opts, reuse: true, namespacePerSystem: false });
  const parent = parentObject(id, namespace, opts.tooling, []);
  const setId = applySetId(parent.metadata.name, namespace);
  const targets = await resolveTargets(kube.mapper, setMembers(opts.manifests, id, setId), namespace);
  if (isNew && !(await kube.client.getOrUndefined(`/api/v1/namespaces/${encodeURIComponent(namespace)}`))) {
    throw new ClusterError('notFound', `namespace ${namespace} does not exist`);
  }
  const applied = await mapLimit(targets, CONCURRENCY, async (t): Promise<ObjectState> => {
    const live = await kube.client.getOrUndefined(t.path);
    const { object } = await serverSideApply(kube.client, t, live, { dryRun: true, force: true });
    return { ...state(t), ...(live ? { live } : {}), merged: object };
  });
  const refs = new Set(targets.map((t) => t.ref));
  const [parentTarget] = await resolveTargets(kube.mapper, [parent], namespace);
  const pruned = isNew ? [] : await pruneCandidates(kube, setId, namespace, await kube.client.getOrUndefined(parentTarget!.path), refs);
  return { sid: id.sid, namespace, isNew, objects: [...applied, ...pruned] };
}

function state(t: Target): Pick<ObjectState, 'ref' | 'type' | 'name' | 'namespace'> {
  return { ref: t.ref, type: t.type, name: t.manifest.metadata.name, ...(t.manifest.metadata.namespace ? { namespace: t.manifest.metadata.namespace } : {}) };
}

/** Members of the live set, of the kinds its parent lists, that the manifests no longer have. */
async function pruneCandidates(kube: Kube, setId: string, namespace: string, parent: KubeObject | undefined, keep: ReadonlySet<string>): Promise<ObjectState[]> {
  const out: ObjectState[] = [];
  for (const gk of parentGroupKinds(parent)) {
    const type = await servedType(kube, gk);
    if (!type) continue; // a kind the cluster no longer serves has no members
    for (const item of await listObjects(kube.client, type, `${PART_OF_LABEL}=${setId}`, type.namespaced ? namespace : undefined)) {
      // A list's items leave out their kind.
      const live = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, ...item };
      const ref = objectRef(type, live.metadata.name);
      if (keep.has(ref) || live.metadata.deletionTimestamp) continue;
      // Claims are released (their data kept), not deleted: the diff shows the labels that go.
      const merged = type.kind === 'PersistentVolumeClaim' ? released(live) : undefined;
      out.push({ ref, type, name: live.metadata.name, ...(live.metadata.namespace ? { namespace: live.metadata.namespace } : {}), live, ...(merged ? { merged } : {}) });
    }
  }
  return out;
}

function released(claim: KubeObject): KubeObject {
  const labels: Record<string, string> = { ...claim.metadata.labels };
  for (const [key, value] of Object.entries(releasePatch(claim))) {
    if (value === null) delete labels[key];
    else labels[key] = value;
  }
  return { ...claim, metadata: { ...claim.metadata, labels } };
}
