import { stringify } from 'yaml';
import type { ObjectState } from '../executor/diff.js';
import type { KubeObject } from '../executor/kube-client.js';
import { unifiedHunks } from '../unified-diff.js';

/** What deploying would do to one object. */
export type Change = 'create' | 'update' | 'delete' | 'release';

/** One object's change and its unified diff (with headers); undefined when deploying leaves it as it is. */
export interface ObjectDiff {
  readonly ref: string;
  readonly change: Change;
  readonly diff: string;
}

/**
 * The object's diff as `kubectl diff` prints it: YAML with sorted keys, compared as `live/` and
 * `merged/` files named group.version.Kind.namespace.name. What the server keeps for itself
 * (managedFields, resourceVersion, generation, uid, creationTimestamp, status) is left out, and
 * Secret values are masked.
 */
export function objectDiff(o: ObjectState): ObjectDiff | undefined {
  const [live, merged] = maskSecrets(o.live && comparable(o.live), o.merged && comparable(o.merged));
  const before = live ? toYaml(live) : '';
  const after = merged ? toYaml(merged) : '';
  const hunks = unifiedHunks(before, after);
  if (hunks === '') return undefined;
  const file = [o.type.group, o.type.version, o.type.kind, o.namespace, o.name].filter((p) => p).join('.');
  const change: Change = !o.live ? 'create' : !o.merged ? 'delete' : o.type.kind === 'PersistentVolumeClaim' && !o.merged.metadata.labels?.['applyset.kubernetes.io/part-of'] ? 'release' : 'update';
  return { ref: o.ref, change, diff: `diff -u -N live/${file} merged/${file}\n--- live/${file}\n+++ merged/${file}\n${hunks}` };
}

function comparable(o: KubeObject): KubeObject {
  const { managedFields: _m, resourceVersion: _r, generation: _g, uid: _u, creationTimestamp: _c, ...metadata } = o.metadata as KubeObject['metadata'] & { generation?: number };
  const { status: _s, ...rest } = o;
  return { ...rest, metadata } as KubeObject;
}

const toYaml = (o: KubeObject) => stringify(o, { sortMapEntries: true, lineWidth: 0, indentSeq: false, singleQuote: true });

/** Secret values as kubectl diff shows them: `***`, or `*** (before)` and `*** (after)` where they differ. */
function maskSecrets(live: KubeObject | undefined, merged: KubeObject | undefined): [KubeObject | undefined, KubeObject | undefined] {
  if ((live ?? merged)?.kind !== 'Secret') return [live, merged];
  const mask = (o: KubeObject | undefined, other: KubeObject | undefined, tag: string) => {
    if (!o) return o;
    const masked: KubeObject = { ...o };
    for (const field of ['data', 'stringData'] as const) {
      const values = o[field] as Record<string, string> | undefined;
      if (!values) continue;
      const theirs = other?.[field] as Record<string, string> | undefined;
      masked[field] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, theirs && k in theirs && theirs[k] !== v ? `*** (${tag})` : '***']));
    }
    return masked;
  };
  return [mask(live, merged, 'before'), mask(merged, live, 'after')];
}
