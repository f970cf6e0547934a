import { ApiError, ClusterError } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';

const LOCK_NAME = 'tychoc-lock';
const HOLDER = 'tychoc/holder';
// A tychoc killed while holding the lock leaves it behind; after this long it is broken.
const STALE_MS = 10 * 60_000;

/**
 * Runs `fn` while holding the namespace's apply lock, a ConfigMap that only one client can create:
 * the ownership check and the apply must not interleave with another tychoc's, or two systems
 * started at once could both find a name free and then overwrite each other.
 */
export async function withNamespaceLock<T>(client: KubeClient, namespace: string, holder: string, waitMs: number, fn: () => Promise<T>, onWait?: (holder: string) => void): Promise<T> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const deadline = Date.now() + waitMs;
  let lock: KubeObject | undefined;
  let told = false;
  while (!lock) {
    try {
      lock = (await client.request<KubeObject>({
        method: 'POST',
        path,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: LOCK_NAME, annotations: { [HOLDER]: holder } } },
      })).body;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
      const held = await client.getOrUndefined(`${path}/${LOCK_NAME}`);
      if (!held) continue;
      if (Date.now() - Date.parse(held.metadata.creationTimestamp ?? '') > STALE_MS) {
        await release(client, path, held);
        continue;
      }
      const by = held.metadata.annotations?.[HOLDER] ?? 'another tychoc';
      if (Date.now() >= deadline) {
        throw new ClusterError('conflict', `another tychoc (${by}) is changing namespace ${namespace}; try again when it is done, or delete configmap/${LOCK_NAME} if it was killed`);
      }
      if (!told) onWait?.(by);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    // What went wrong matters more than a lock that could not be released (it goes stale).
    await release(client, path, lock).catch(() => undefined);
    throw e;
  }
  await release(client, path, lock);
  return result;
}

async function release(client: KubeClient, path: string, lock: KubeObject): Promise<void> {
  try {
    await client.request({
      method: 'DELETE',
      path: `${path}/${LOCK_NAME}`,
      body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: lock.metadata.uid } },
    });
  } catch (e) {
    // Gone already, or someone broke it as stale and took it: either way not ours any more.
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) throw e;
  }
}
