import { takeDown, type DownResult } from './delete.js';
import { ClusterError } from './errors.js';
import { expiredSystems, expiry, type Expired, type ReapLimits } from './expiry.js';
import { mapLimit } from './objects.js';
import { resourcePath } from './rest-mapping.js';
import { findSystems, type Kube, type SystemRef } from './systems.js';

/** What to reap, and how. */
export interface ReapOptions {
  /** Each system's limits (see expiry.ts). */
  readonly limitsOf: (system: SystemRef) => ReapLimits;
  /** Only systems in this namespace; default: every namespace visible. */
  readonly namespace?: string;
  /** Decide, but delete nothing. */
  readonly dryRun: boolean;
  /** How long taking one system down may take. */
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** Once aborted, no further system is taken down; those in progress finish. */
  readonly signal?: AbortSignal;
}

/**
 * What became of one expired system: taken down (`deleted`), only listed (`dry-run`), taken down
 * by someone else meanwhile (`gone`), marked active since it was chosen (`spared`), or `failed`.
 */
export type Reaped = Expired &
  ({ readonly result: 'deleted'; readonly down: DownResult } | { readonly result: 'dry-run' | 'gone' | 'spared' } | { readonly result: 'failed'; readonly error: ClusterError });

// Each takedown waits until its objects are gone; a few at once keep a long list short.
const CONCURRENCY = 4;

/**
 * Takes down every system past its age or idle limit, as `down` does (volume claims kept). Safe
 * to run beside another reaper or `down`: a system that goes meanwhile counts as gone, not failed.
 */
export async function reap(kube: Kube, opts: ReapOptions): Promise<Reaped[]> {
  const now = opts.now ?? Date.now;
  const expired = expiredSystems(await findSystems(kube, { namespace: opts.namespace }), opts.limitsOf, now());
  if (opts.dryRun) return expired.map((e) => ({ ...e, result: 'dry-run' }));
  const done = await mapLimit(expired, CONCURRENCY, async (e): Promise<Reaped | undefined> => (opts.signal?.aborted ? undefined : reapOne(kube, e, opts, now)));
  return done.filter((r) => r !== undefined);
}

async function reapOne(kube: Kube, chosen: Expired, opts: ReapOptions, now: () => number): Promise<Reaped> {
  const { sid, namespace } = chosen.system;
  try {
    // Read again just before: the list may be minutes old by now, and the user back.
    const current = await currentSystem(kube, chosen.system);
    if (!current) return { ...chosen, result: 'gone' };
    const still = expiry(current, opts.limitsOf(current), now());
    if (!still) return { ...chosen, result: 'spared' };
    const down = await takeDown(kube, { sid, namespace, volumes: false, timeoutMs: opts.timeoutMs });
    return { ...still, result: 'deleted', down };
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e;
    // Another reaper (or a `down`) that took it down first makes this one fail one way or another:
    // no system to find, or a lock in a namespace that is going.
    const left = await currentSystem(kube, chosen.system).catch(() => chosen.system);
    return left ? { ...chosen, result: 'failed', error: e } : { ...chosen, result: 'gone' };
  }
}

/** The system with its parent as it is now; undefined when it is gone or going. */
async function currentSystem(kube: Kube, system: SystemRef): Promise<SystemRef | undefined> {
  const type = await kube.mapper.forKind('v1', 'ConfigMap');
  const parent = system.parent && (await kube.client.getOrUndefined(resourcePath(type, system.namespace, system.parent.metadata.name)));
  if (!parent || parent.metadata.uid !== system.parent?.metadata.uid || parent.metadata.deletionTimestamp) return undefined;
  return { ...system, parent };
}
