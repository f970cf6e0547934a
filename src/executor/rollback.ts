import type { Target } from './apply.js';
import { ClusterError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { deleteObject } from './objects.js';
import type { Kube } from './systems.js';

/** An object a deployment attempt created, with the uid it got. */
export interface Created {
  readonly target: Target;
  readonly uid: string;
}

/**
 * Deletes what a failed attempt created, newest first (a namespace it made goes last), each only
 * if it is still the object created. Objects the attempt merely changed stay as they are now.
 */
export async function rollBack(kube: Kube, created: readonly Created[]): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = [];
  const kept: string[] = [];
  let unreachable = false;
  for (const { target, uid } of [...created].reverse()) {
    // Once the server cannot be reached, the rest is left as it is rather than waited for one by one.
    if (unreachable) {
      kept.push(target.ref);
      continue;
    }
    try {
      await deleteObject(kube.client, target.type, target.manifest as unknown as KubeObject, 'Background', uid);
      removed.push(target.ref);
    } catch (e) {
      unreachable = e instanceof ClusterError && e.kind === 'unreachable';
      kept.push(target.ref);
    }
  }
  return { removed, kept };
}
