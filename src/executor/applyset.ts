import { createHash } from 'node:crypto';
import type { Manifest } from '../emit/chart.js';
import { systemLabels, type SystemIdentity } from '../emit/system-labels.js';

// The ApplySet labels and annotations of KEP-3659, as `kubectl apply --prune --applyset` uses them.
/** Label on the parent: the set's id. */
export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
/** Label on every member: the id of the set it belongs to. */
export const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
/** Annotation on the parent: which tool manages the set (`tychoc/<version>`). */
export const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
/** The user a system was launched for, as given: the `username` label is a digest-suffixed form of a name that is not a label value. */
export const USER_ANNOTATION = 'tychoc.io/username';
/** Annotation on the parent: the `Kind.group`s members may have, so pruning knows what to list. */
export const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
const NAMESPACES_ANNOTATION = 'applyset.kubernetes.io/additional-namespaces';

/** `applyset-` + unpadded base64url(sha256(`<name>.<namespace>.<Kind>.<group>`)) + `-v1`. */
export function applySetId(name: string, namespace: string, kind = 'ConfigMap', group = ''): string {
  const hash = createHash('sha256').update(`${name}.${namespace}.${kind}.${group}`).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** `<project>-<sid>` as a DNS label: the per-system namespace and the base of the parent's name. */
export function systemBaseName(id: SystemIdentity): string {
  const app = id.app.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 63 - id.sid.length - 1).replace(/-+$/, '');
  return app ? `${app}-${id.sid}` : id.sid;
}

/** The parent's name: `applyset-<project>-<sid>`. */
export function parentName(id: SystemIdentity): string {
  return `applyset-${systemBaseName(id)}`;
}

/** The ApplySet parent of a system: a ConfigMap with the system's labels, so that `down` removes it too. */
export function parentObject(id: SystemIdentity, namespace: string, tooling: string, groupKinds: Iterable<string>): Manifest {
  const name = parentName(id);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { ...systemLabels(id), [APPLYSET_ID_LABEL]: applySetId(name, namespace) },
      annotations: {
        [TOOLING_ANNOTATION]: tooling,
        ...(id.user !== undefined && id.user !== id.username ? { [USER_ANNOTATION]: id.user } : {}),
        [GROUP_KINDS_ANNOTATION]: [...new Set(groupKinds)].sort().join(','),
        [NAMESPACES_ANNOTATION]: '',
      },
    },
  } as Manifest;
}

/** The group kinds listed on a parent. */
export function parentGroupKinds(parent: { metadata: { annotations?: Record<string, string> } } | undefined): string[] {
  const value = parent?.metadata.annotations?.[GROUP_KINDS_ANNOTATION] ?? '';
  return value.split(',').filter((s) => s !== '');
}
