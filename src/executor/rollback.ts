import type { Target } from './apply.js';
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
  for (const { target, uid } of [...created].reverse()) {
    try {
      await deleteObject(kube.client, target.type, target.manifest as unknown as KubeObject, 'Background', uid);
      removed.push(target.ref);
    } catch {
      kept.push(target.ref);
    }
  }
  return { removed, kept };
}
