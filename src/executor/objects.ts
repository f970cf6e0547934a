import { ApiError } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { resourcePath, type ResourceType } from './rest-mapping.js';

/** Lists objects of a type matching a label selector, in one namespace or (undefined) all of them. */
export async function listObjects(client: KubeClient, type: ResourceType, selector: string, namespace?: string): Promise<KubeObject[]> {
  const path = resourcePath(type, namespace);
  const { body } = await client.request<{ items: KubeObject[] }>({ method: 'GET', path, query: { labelSelector: selector } });
  return body.items;
}

/**
 * Lists across all namespaces when no namespace is given; a user allowed only in the context's
 * namespace gets a 403 for that, so the list falls back to `fallback` then.
 */
export async function listVisible(client: KubeClient, type: ResourceType, selector: string, namespace: string | undefined, fallback: string): Promise<KubeObject[]> {
  try {
    return await listObjects(client, type, selector, namespace);
  } catch (e) {
    if (namespace !== undefined || !(e instanceof ApiError && e.status === 403)) throw e;
    return listObjects(client, type, selector, fallback);
  }
}

/** How deleting an owner treats its dependents (ReplicaSets, pods). */
export type Propagation = 'Foreground' | 'Background' | 'Orphan';

/**
 * Deletes one object; with `uid`, only if it is still that object (not one recreated under the
 * same name). Returns false if it was already gone.
 */
export async function deleteObject(client: KubeClient, type: ResourceType, obj: KubeObject, propagation: Propagation, uid?: string): Promise<boolean> {
  try {
    await client.request({
      method: 'DELETE',
      path: resourcePath(type, obj.metadata.namespace, obj.metadata.name),
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: propagation, ...(uid ? { preconditions: { uid } } : {}) },
    });
    return true;
  } catch (e) {
    // 409 with a uid precondition: the name now belongs to another object, which is not ours to delete.
    if (e instanceof ApiError && (e.status === 404 || (uid && e.status === 409))) return false;
    throw e;
  }
}

/** Polls until `check` returns a value other than undefined, or throws the error `onTimeout` makes. */
export async function poll<T>(timeoutMs: number, intervalMs: number, check: () => Promise<T | undefined>, onTimeout: () => Error): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw onTimeout();
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Maps with at most `limit` calls in flight, keeping order; the API server copes better than with
 * all at once. After a failure no new call starts, and the calls in flight finish before an error
 * is thrown, so that a caller's record of what was done is complete. The error thrown is that of
 * the first failed item in order (not in time), so the same failures always read the same.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const failures: { index: number; error: unknown }[] = [];
  const worker = async () => {
    while (next < items.length && failures.length === 0) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failures.push({ index: i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures.reduce((a, b) => (b.index < a.index ? b : a)).error;
  return results;
}
