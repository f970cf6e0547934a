import { gunzipSync, gzipSync } from 'node:zlib';
import type { Manifest } from '../emit/chart.js';
import { systemLabels, type SystemIdentity } from '../emit/system-labels.js';
import { FIELD_MANAGER, type Target } from './apply.js';
import { ApiError } from './errors.js';
import type { KubeClient } from './kube-client.js';

const KEY = 'manifests.json.gz';
// A Secret, not a ConfigMap: the manifests hold the system's Secrets.
const path = (namespace: string, name?: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name ? `/${name}` : ''}`;

/** The Secret holding a system's last applied objects: `<ApplySet parent>-revision`, labelled as the system, so `down` deletes it. */
export function revisionName(parentName: string): string {
  return `${parentName}-revision`;
}

/** The objects the system's last successful apply wrote; none when it kept no revision (a system from before revisions). */
export async function readRevision(client: KubeClient, namespace: string, parentName: string): Promise<Manifest[]> {
  const secret = await client.getOrUndefined(path(namespace, revisionName(parentName))).catch((e) => (forbidden(e) ? undefined : Promise.reject(e)));
  const data = secret?.['data']?.[KEY];
  return typeof data === 'string' ? (JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Manifest[]) : [];
}

/** Keeps the objects an apply wrote as the system's revision, for the next update to return to if it fails. */
export async function writeRevision(client: KubeClient, namespace: string, parentName: string, id: SystemIdentity, targets: readonly Target[]): Promise<void> {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: revisionName(parentName), namespace, labels: systemLabels(id) },
    type: 'Opaque',
    data: { [KEY]: gzipSync(JSON.stringify(targets.map((t) => t.manifest))).toString('base64') },
  };
  try {
    await client.request({
      method: 'PATCH',
      path: path(namespace, secret.metadata.name),
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      body: JSON.stringify(secret),
      contentType: 'application/apply-patch+yaml',
    });
  } catch (e) {
    // Too large for a Secret (about 1 MiB compressed), or a user who may not write Secrets: the
    // next failed update cannot restore what it changed, but still says so.
    if (!(e instanceof ApiError && (e.status === 413 || e.status === 422)) && !forbidden(e)) throw e;
  }
}

const forbidden = (e: unknown) => e instanceof ApiError && e.status === 403;

