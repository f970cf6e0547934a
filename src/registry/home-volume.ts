import type { Manifest } from '../emit/chart.js';
import { HOLDS_NOTHING_ANNOTATION } from '../executor/delete.js';
import { ApiError } from '../executor/errors.js';
import type { KubeObject } from '../executor/kube-client.js';
import type { Kube } from '../executor/systems.js';

/** The claim, in each launched system's namespace, of the users' homes. */
export const HOME_CLAIM = 'tychoc-home';

interface VolumeSpec {
  readonly capacity?: Record<string, string>;
  readonly accessModes?: string[];
  readonly volumeMode?: string;
  readonly claimRef?: unknown;
  readonly storageClassName?: string;
  readonly persistentVolumeReclaimPolicy?: string;
  readonly [source: string]: unknown;
}

/**
 * The homes' claim of a launch. A claim is mounted only in its own namespace, and each launched
 * system has a namespace of its own; so the shared claim's volume is bound again for the system:
 * a PersistentVolume with the same source (NFS, CSI, local…), kept on release (Retain, so the
 * homes outlive every system), pre-bound to a claim of the system that the launch adds to its
 * objects. The volume is made before the claim, which then binds at once; it goes when the
 * system's namespace does, which is made its owner once it exists.
 */
export async function homeVolume(kube: Kube, shared: { readonly namespace: string; readonly claim: string }, sid: string, systemNamespace: string): Promise<{ claim: Manifest; volume: object } | string> {
  const claim = await get(kube, `/api/v1/namespaces/${shared.namespace}/persistentvolumeclaims/${shared.claim}`);
  const bound = claim?.spec?.volumeName as string | undefined;
  if (!claim || claim.status?.phase !== 'Bound' || !bound) return `the homes' claim ${shared.namespace}/${shared.claim} ${claim ? 'is not bound to a volume' : 'does not exist'}`;
  const pv = await get(kube, `/api/v1/persistentvolumes/${bound}`);
  if (!pv) return `the volume ${bound} of the homes' claim ${shared.namespace}/${shared.claim} does not exist`;
  const { claimRef: _ref, storageClassName: _class, persistentVolumeReclaimPolicy: _policy, ...source } = pv.spec as VolumeSpec;
  const name = `${HOME_CLAIM}-${sid}`;
  const capacity = source.capacity?.['storage'] ?? '1Gi';
  const accessModes = source.accessModes ?? ['ReadWriteMany'];
  return {
    claim: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: HOME_CLAIM, annotations: { [HOLDS_NOTHING_ANNOTATION]: 'true' } },
      spec: { accessModes, resources: { requests: { storage: capacity } }, storageClassName: '', volumeName: name, ...(source.volumeMode ? { volumeMode: source.volumeMode } : {}) },
    } as Manifest,
    volume: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, labels: { 'tycho-guid': sid } },
      spec: { ...source, storageClassName: '', persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: systemNamespace, name: HOME_CLAIM } },
    },
  };
}

/** Makes the system's namespace the owner of its homes volume, which then goes with it. */
export async function ownHomeVolume(kube: Kube, sid: string, namespace: string): Promise<void> {
  const ns = (await kube.client.request<KubeObject>({ method: 'GET', path: `/api/v1/namespaces/${namespace}` })).body;
  await kube.client.request({
    method: 'PATCH',
    path: `/api/v1/persistentvolumes/${HOME_CLAIM}-${sid}`,
    contentType: 'application/merge-patch+json',
    body: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Namespace', name: ns.metadata.name, uid: ns.metadata.uid }] } },
  });
}

async function get(kube: Kube, path: string): Promise<(KubeObject & { spec?: any; status?: any }) | undefined> {
  try {
    return (await kube.client.request<KubeObject>({ method: 'GET', path })).body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}
