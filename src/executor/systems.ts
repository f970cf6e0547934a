import { randomBytes } from 'node:crypto';
import { appLabel, SID_LABEL, type SystemIdentity } from '../emit/system-labels.js';
import { APPLYSET_ID_LABEL } from './applyset.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { ClusterError } from './errors.js';
import { listVisible } from './objects.js';
import { type RestMapper } from './rest-mapping.js';

/** A deployed system: who it is and where it lives. */
export interface SystemRef extends SystemIdentity {
  readonly namespace: string;
  /** Its ApplySet parent, when found through it. */
  readonly parent?: KubeObject;
}

/** The client and mapper most executor functions need. */
export interface Kube {
  readonly client: KubeClient;
  readonly mapper: RestMapper;
  /** The kubeconfig context's namespace: where to look when listing all namespaces is forbidden. */
  readonly defaultNamespace: string;
}

/** A fresh system id: 12 lowercase hex digits (48 random bits). */
export function newSid(): string {
  return randomBytes(6).toString('hex');
}

/** Label selector for every object of tychoc systems, optionally one system. */
export function systemSelector(sid?: string): string {
  return sid ? `executor=tycho,${SID_LABEL}=${sid}` : 'executor=tycho';
}

/** Systems found through their ApplySet parents: by id, by project, in a namespace or everywhere visible. */
export async function findSystems(kube: Kube, filter: { sid?: string; app?: string; namespace?: string }): Promise<SystemRef[]> {
  const configMaps = await kube.mapper.forKind('v1', 'ConfigMap');
  let selector = `${systemSelector(filter.sid)},${APPLYSET_ID_LABEL}`;
  if (filter.app) selector += `,app-name=${appLabel(filter.app)}`;
  const parents = await listVisible(kube.client, configMaps, selector, filter.namespace, kube.defaultNamespace);
  return parents.map((p) => {
    const labels = p.metadata.labels ?? {};
    return { app: labels['app-name'] ?? '', sid: labels[SID_LABEL] ?? '', username: labels['username'], namespace: p.metadata.namespace ?? '', parent: p };
  });
}

/**
 * The id of the system `ref` names: a system id, or a project name with exactly one system (in
 * `namespace`, or everywhere visible), as docker compose users name what they run.
 */
export async function systemId(kube: Kube, ref: string, namespace?: string): Promise<string> {
  const looksLikeSid = /^[0-9a-f]{12}$/.test(ref);
  if (looksLikeSid && (await findSystems(kube, { sid: ref, namespace })).length > 0) return ref;
  const systems = await findSystems(kube, { app: ref, namespace });
  if (systems.length === 1) return systems[0]!.sid;
  if (systems.length > 1) {
    throw new ClusterError('conflict', `project ${ref} has ${systems.length} systems (${systems.map((s) => `${s.sid} in ${s.namespace}`).join(', ')}); name one by its id`);
  }
  if (!looksLikeSid) throw new ClusterError('notFound', `no system with id ${ref}, nor a project of that name${namespace ? ` in namespace ${namespace}` : ''}`);
  // An id of a system that is gone may still have kept claims; the command says what it finds.
  return ref;
}
