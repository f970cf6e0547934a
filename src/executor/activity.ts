import { ApiError, ClusterError } from './errors.js';
import { LAST_ACTIVE_ANNOTATION } from './expiry.js';
import { resourcePath } from './rest-mapping.js';
import { findSystems, type Kube } from './systems.js';

/** A system marked as in use. */
export interface Touched {
  readonly sid: string;
  readonly namespace: string;
  /** The time written, RFC 3339. */
  readonly lastActive: string;
}

/**
 * Marks a system as in use at `now`: its ApplySet parent's `tychoc.io/last-active`, which the
 * reaper's idle limit counts from. A merge patch of that one annotation, so that it neither
 * conflicts with nor is undone by the server-side apply of a later `up`.
 */
export async function touchSystem(kube: Kube, sid: string, namespace?: string, now = new Date()): Promise<Touched> {
  const [system] = await findSystems(kube, { sid, namespace });
  const parent = system?.parent;
  const gone = () => new ClusterError('notFound', `no system with id ${sid}${namespace ? ` in namespace ${namespace}` : ''}`);
  if (!system || !parent) throw gone();
  const lastActive = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const type = await kube.mapper.forKind('v1', 'ConfigMap');
  try {
    await kube.client.request({
      method: 'PATCH',
      path: resourcePath(type, system.namespace, parent.metadata.name),
      body: { metadata: { annotations: { [LAST_ACTIVE_ANNOTATION]: lastActive } } },
      contentType: 'application/merge-patch+json',
    });
  } catch (e) {
    // Taken down since it was found.
    if (e instanceof ApiError && e.status === 404) throw gone();
    throw e;
  }
  return { sid, namespace: system.namespace, lastActive };
}
