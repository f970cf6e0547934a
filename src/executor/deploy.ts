import type { Manifest } from '../emit/chart.js';
import { appLabel, labelSystem, SID_LABEL, systemLabels, type SystemIdentity } from '../emit/system-labels.js';
import { resolveTargets, serverSideApply, type Applied, type ApplyMode, type Outcome, type Target } from './apply.js';
import { applySetId, PART_OF_LABEL, parentGroupKinds, parentObject, systemBaseName } from './applyset.js';
import { ApiError, ApplyError, ClusterError, asClusterError, interruption } from './errors.js';
import { LOCK_WAIT_MS, withNamespaceLock } from './lock.js';
import { mapLimit } from './objects.js';
import { checkOwnership } from './ownership.js';
import { prune } from './prune.js';
import { yieldModifications } from './modifications.js';
import { groupKind, WORKLOAD_KINDS } from './rest-mapping.js';
import { readRevision, writeRevision } from './revision.js';
import { rollBack, type Created } from './rollback.js';
import type { KubeObject } from './kube-client.js';
import { findSystems, newSid, type Kube, type SystemRef } from './systems.js';

/** What to deploy, where, and how. */
export interface DeployOptions extends ApplyMode {
  readonly app: string;
  readonly manifests: readonly Manifest[];
  /** Update this existing system, wherever it is, instead of creating one. */
  readonly sid?: string;
  /** The id a new system gets (default: a fresh one). */
  readonly newSid?: string;
  /** Without `sid`: update the project's system in the namespace if there is exactly one (`apply`). */
  readonly reuse?: boolean;
  /** Namespace of a new system, unless `namespacePerSystem`. */
  readonly namespace: string;
  /** Give a new system its own namespace `<project>-<sid>`. */
  readonly namespacePerSystem: boolean;
  /** The `username` label's value. */
  readonly username?: string;
  /** The user's name as given, kept on the ApplySet parent when the label had to change it. */
  readonly user?: string;
  /** `tychoc/<version>`, for the ApplySet parent. */
  readonly tooling: string;
  /** Leave what a failed attempt created instead of removing it. */
  readonly keepPartial: boolean;
  /** Aborted (with the signal's name) to stop: nothing more is applied, and the attempt is rolled back. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: DeployEvent) => void;
}

/** Progress of a deployment, one object at a time. */
export type DeployEvent =
  | { readonly type: 'applied'; readonly ref: string; readonly outcome: Outcome }
  | { readonly type: 'pruned' | 'released' | 'adopted'; readonly ref: string }
  | { readonly type: 'waiting'; readonly holder: string; readonly heldSeconds: number }
  | { readonly type: 'started'; readonly sid: string; readonly namespace: string };

/** A finished deployment. */
export interface DeployResult {
  readonly system: SystemRef;
  /** Whether a new system was made (rather than an existing one updated). */
  readonly isNew: boolean;
  readonly applied: readonly Applied[];
  readonly pruned: readonly string[];
}

const APPLY_CONCURRENCY = 8;

/** Applies a system's manifests with server-side apply as an ApplySet, pruning what is no longer in it. */
export async function deploy(kube: Kube, opts: DeployOptions): Promise<DeployResult> {
  const { id, namespace, isNew } = await resolveSystem(kube, opts);
  const ownNamespace = isNew && opts.namespacePerSystem;
  // A dry run cannot put objects into a namespace that does not exist yet; they are validated in
  // the context's namespace instead.
  const applyNs = opts.dryRun && ownNamespace ? opts.namespace : namespace;
  const parent = parentObject(id, applyNs, opts.tooling, []);
  const setId = applySetId(parent.metadata.name, applyNs);
  const members = setMembers(opts.manifests, id, setId);
  const targets = await resolveTargets(kube.mapper, members, applyNs);
  const [parentTarget] = await resolveTargets(kube.mapper, [parent], applyNs);
  const emit = opts.onEvent ?? (() => undefined);
  emit({ type: 'started', sid: id.sid, namespace });

  const run = async (): Promise<DeployResult> => {
    let step = '';
    const created: Created[] = [];
    // Objects this attempt changed, to return to the last revision if it fails.
    const changed: Target[] = [];
    const previous = isNew || opts.dryRun ? [] : await resolveTargets(kube.mapper, await readRevision(kube.client, applyNs, parent.metadata.name), applyNs);
    // Which object each failure came from: objects of a kind are applied side by side.
    const failures = new Map<unknown, string>();
    const apply = async (t: Target, prior?: KubeObject): Promise<Applied> => {
      try {
        if (opts.signal?.aborted) throw interruption(opts.signal);
        // The compose file wins what it sets; modify's matching requests and limits go with it.
        if (opts.force && !opts.dryRun && prior && (WORKLOAD_KINDS as readonly string[]).includes(t.type.kind)) await yieldModifications(kube.client, t.type, prior, t.manifest);
        const a = await serverSideApply(kube.client, t, prior, opts);
        if (a.outcome === 'created' && !opts.dryRun) created.push({ target: t, uid: a.object.metadata.uid ?? '' });
        // The parent may list kinds this attempt added: harmless, and what lets a later run prune them.
        if (a.outcome === 'configured' && !opts.dryRun && t.ref !== parentTarget!.ref) changed.push(t);
        return a;
      } catch (e) {
        failures.set(e, `applying ${t.ref}`);
        throw e;
      }
    };
    try {
      if (ownNamespace) {
        const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: systemLabels(id) } } as Manifest;
        const [nsTarget] = await resolveTargets(kube.mapper, [ns], namespace);
        emit({ type: 'applied', ref: nsTarget!.ref, outcome: (await apply(nsTarget!)).outcome });
      }
      const { existing, adopted } = ownNamespace ? { existing: new Map<string, KubeObject>(), adopted: [] } : await checkOwnership(kube.client, targets, id, namespace);
      for (const ref of adopted) emit({ type: 'adopted', ref });
      const priorParent = isNew ? undefined : await kube.client.getOrUndefined(parentTarget!.path);
      const kinds = [...new Set(targets.map((t) => groupKind(t.type)))];
      const allKinds = [...new Set([...parentGroupKinds(priorParent), ...kinds])];
      // The parent first lists every kind old and new members have, so that an interrupted run can still be pruned.
      const parentApplied = await apply(withKinds(parentTarget!, opts.tooling, id, applyNs, allKinds), priorParent);
      const applied: Applied[] = [];
      // Kind after kind in apply order (claims and configuration before the workloads that use
      // them), the objects of one kind side by side.
      for (const batch of byKind(targets)) {
        for (const a of await mapLimit(batch, APPLY_CONCURRENCY, (t) => apply(t, existing.get(t.ref)))) {
          applied.push(a);
          emit({ type: 'applied', ref: a.target.ref, outcome: a.outcome });
        }
      }
      if (opts.signal?.aborted) throw interruption(opts.signal);
      step = 'pruning';
      const uids = new Set(applied.map((a) => a.object.metadata.uid ?? ''));
      const result = isNew ? { deleted: [], released: [] } : await prune(kube, setId, applyNs, allKinds, uids, opts.dryRun);
      for (const ref of result.deleted) emit({ type: 'pruned', ref });
      for (const ref of result.released) emit({ type: 'released', ref });
      if (allKinds.length !== kinds.length) await apply(withKinds(parentTarget!, opts.tooling, id, applyNs, kinds));
      if (!opts.dryRun) await writeRevision(kube.client, applyNs, parent.metadata.name, id, targets);
      return { system: { ...id, namespace, parent: parentApplied.object }, isNew, applied, pruned: result.deleted };
    } catch (e) {
      const where = failures.get(e) ?? step;
      if (where === '' && created.length === 0 && changed.length === 0) throw e;
      throw await failed(kube, asClusterError(e), where || 'deploying', { created, changed, previous }, opts.keepPartial, id.sid);
    }
  };
  if (ownNamespace) return run();
  await requireNamespace(kube, namespace);
  if (opts.dryRun) return run();
  return withNamespaceLock(kube.client, namespace, `${id.app}-${id.sid}`, LOCK_WAIT_MS, run, (by) => emit({ type: 'waiting', ...by }), opts.signal);
}

/** The manifests as members of the system's ApplySet: its labels, its id in every selector, the set's label. */
export function setMembers(manifests: readonly Manifest[], id: SystemIdentity, setId: string): Manifest[] {
  return labelSystem(manifests, id).map((m) => withLabel(restamp(m, id.sid), PART_OF_LABEL, setId));
}

/** The system a deployment goes to: the one `sid` names, the project's one in the namespace (`reuse`), or a new one. */
export async function resolveSystem(kube: Kube, opts: Pick<DeployOptions, 'app' | 'sid' | 'newSid' | 'reuse' | 'namespace' | 'namespacePerSystem' | 'username' | 'user'>): Promise<{ id: SystemIdentity; namespace: string; isNew: boolean }> {
  const found = opts.sid
    ? await findSystems(kube, { sid: opts.sid })
    : opts.reuse && !opts.namespacePerSystem
      ? await findSystems(kube, { app: opts.app, namespace: opts.namespace })
      : [];
  if (opts.sid && found.length === 0) throw new ClusterError('notFound', `no system with id ${opts.sid} (see tychoc status)`);
  if (found.length > 1) {
    throw new ClusterError('conflict', `namespace ${opts.namespace} has ${found.length} systems of project ${opts.app} (${found.map((s) => s.sid).join(', ')}); choose one with --sid`);
  }
  const [system] = found;
  if (system) {
    if (system.app !== appLabel(opts.app)) throw new ClusterError('conflict', `system ${system.sid} runs project ${system.app}, not ${opts.app}`);
    return { id: { app: opts.app, sid: system.sid, username: opts.username ?? system.username, ...(opts.user !== undefined ? { user: opts.user } : {}) }, namespace: system.namespace, isNew: false };
  }
  const id = { app: opts.app, sid: opts.newSid ?? newSid(), username: opts.username, ...(opts.user !== undefined ? { user: opts.user } : {}) };
  return { id, namespace: opts.namespacePerSystem ? systemBaseName(id) : opts.namespace, isNew: true };
}

async function requireNamespace(kube: Kube, namespace: string): Promise<void> {
  try {
    if (await kube.client.getOrUndefined(`/api/v1/namespaces/${encodeURIComponent(namespace)}`)) return;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return; // may not read namespaces; applying will tell
    throw e;
  }
  throw new ClusterError('notFound', `namespace ${namespace} does not exist; create it or use --namespace-per-system`);
}

/** Runs of consecutive targets of one kind, in order. */
function byKind(targets: readonly Target[]): Target[][] {
  const batches: Target[][] = [];
  for (const t of targets) {
    const last = batches.at(-1);
    if (last && groupKind(last[0]!.type) === groupKind(t.type)) last.push(t);
    else batches.push([t]);
  }
  return batches;
}

function withKinds(parent: Target, tooling: string, id: SystemIdentity, namespace: string, kinds: string[]): Target {
  return { ...parent, manifest: parentObject(id, namespace, tooling, kinds) };
}

/**
 * The error of a failed attempt, once what it did is undone: objects it changed go back to the
 * system's last revision (where one was kept), objects it created are removed (unless `keepPartial`).
 */
async function failed(kube: Kube, error: ClusterError, ref: string, done: Attempt, keepPartial: boolean, sid: string): Promise<ApplyError> {
  const cause = error instanceof ApiError && error.status === 409 && /conflict/i.test(error.message)
    ? new ClusterError('conflict', `${error.message} (another field manager changed these fields; --force-conflicts takes them over)`)
    : error;
  const restored = await restore(kube, done.changed, done.previous);
  const undo = keepPartial ? { removed: [], kept: done.created.map((c) => c.target.ref) } : await rollBack(kube, done.created);
  return new ApplyError(cause, ref, { ...undo, ...restored }, sid);
}

/** What an attempt did, and the revision it started from. */
interface Attempt {
  readonly created: readonly Created[];
  readonly changed: readonly Target[];
  readonly previous: readonly Target[];
}

/** Applies the last revision's version of each changed object again (forced: it was tychoc's), newest change first. */
async function restore(kube: Kube, changed: readonly Target[], previous: readonly Target[]): Promise<{ restored: string[]; unrestored: string[] }> {
  const restored: string[] = [];
  const unrestored: string[] = [];
  for (const t of [...changed].reverse()) {
    const before = previous.find((p) => p.ref === t.ref);
    try {
      if (!before) throw new Error('no revision');
      await serverSideApply(kube.client, before, undefined, { force: true, dryRun: false });
      restored.push(t.ref);
    } catch {
      unrestored.push(t.ref);
    }
  }
  return { restored, unrestored };
}

function withLabel(m: Manifest, key: string, value: string): Manifest {
  const metadata = m.metadata as Manifest['metadata'] & { labels?: Record<string, string> };
  return { ...m, metadata: { ...metadata, labels: { ...metadata.labels, [key]: value } } as Manifest['metadata'] };
}

/** Precompiled manifests carry the id they were compiled with, wherever a selector names it (e.g. NetworkPolicy pod selectors). */
function restamp(m: Manifest, sid: string): Manifest {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === SID_LABEL && typeof x === 'string' ? sid : walk(x)]));
  };
  return walk(m) as Manifest;
}
