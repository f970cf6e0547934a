import { appLabel, SID_LABEL, type SystemIdentity } from '../emit/system-labels.js';
import { listed } from '../diagnostics.js';
import type { Target } from './apply.js';
import { ClusterError } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { mapLimit } from './objects.js';

/** Current objects by target ref, and the volume claims taken over from a removed system. */
export interface Ownership {
  readonly existing: ReadonlyMap<string, KubeObject>;
  readonly adopted: readonly string[];
}

/**
 * Reads the objects the targets would overwrite and refuses if any belongs to another system or
 * to no system at all: compose service names are kept as object names (they are DNS names), so two
 * systems of one project cannot share a namespace, and objects of users are never taken over.
 * The exception is a claim that `down` kept (it loses its system id): the project's next system reuses its data.
 */
export async function checkOwnership(client: KubeClient, targets: readonly Target[], id: SystemIdentity, namespace: string): Promise<Ownership> {
  const current = await mapLimit(targets, 8, (t) => client.getOrUndefined(t.path));
  const existing = new Map<string, KubeObject>();
  const adopted: string[] = [];
  // Names taken, by the system id holding them ('' for objects tychoc did not create).
  const taken = new Map<string, string[]>();
  const projects = new Map<string, string>();
  targets.forEach((t, i) => {
    const obj = current[i];
    if (!obj) return;
    existing.set(t.ref, obj);
    const labels = obj.metadata.labels ?? {};
    const owner = labels[SID_LABEL];
    if (owner === id.sid) return;
    if (owner === undefined && t.type.kind === 'PersistentVolumeClaim' && labels['executor'] === 'tycho' && labels['app-name'] === appLabel(id.app)) {
      adopted.push(t.ref);
      return;
    }
    taken.set(owner ?? '', [...(taken.get(owner ?? '') ?? []), t.ref]);
    if (owner) projects.set(owner, labels['app-name'] ?? '?');
  });
  if (taken.size > 0) {
    const who = [...taken].map(([sid, refs]) => `${sid ? `system ${sid} (project ${projects.get(sid)})` : 'objects not created by tychoc'}: ${listed(refs, 3)}`);
    const sid = taken.size === 1 && !taken.has('') ? [...taken.keys()][0] : undefined;
    throw new ClusterError(
      'conflict',
      `namespace ${namespace} already has objects of these names, ${who.join('; ')}. ` +
        `Use another namespace (-n NAMESPACE or --namespace-per-system)${sid ? `, or update that system with --sid ${sid}` : ''}`,
    );
  }
  return { existing, adopted };
}
