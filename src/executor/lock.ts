import { hostname } from 'node:os';
import { ApiError, ClusterError, interruption } from './errors.js';
import type { KubeClient, KubeObject } from './kube-client.js';

/** The lease of the namespace lock; other leases (a user's launches) take other names. */
const NAMESPACE_LEASE = 'tychoc-lock';
/** How long a holder that stopped renewing keeps the lock: a killed tychoc holds it no longer than this. */
export const LEASE_SECONDS = 15;
const RENEW_MS = 5_000;
/** How long a command waits for another tychoc to finish with a namespace. */
export const LOCK_WAIT_MS = 120_000;
const POLL_MS = 500;

/** Who waits for the lock, for messages: the holder's identity and how long it has held it. */
export interface LockHolder {
  readonly holder: string;
  readonly heldSeconds: number;
}

/**
 * Runs `fn` while holding the namespace's lock, a `coordination.k8s.io/v1` Lease: the ownership
 * check and the changes of one tychoc (up, apply, down, modify, scale) must not interleave with
 * another's. The lease is renewed while `fn` works; one that was not renewed for its duration
 * is taken over, so a killed tychoc blocks others for seconds, not minutes.
 */
export async function withNamespaceLock<T>(client: KubeClient, namespace: string, holder: string, waitMs: number, fn: () => Promise<T>, onWait?: (by: LockHolder) => void, signal?: AbortSignal): Promise<T> {
  return withLease(client, namespace, NAMESPACE_LEASE, holder, waitMs, fn, onWait, signal);
}

/** `withNamespaceLock` over a lease of another name: a lock of its own, e.g. one user's launches, taken inside the namespace lock's holders or around them. */
export async function withLease<T>(client: KubeClient, namespace: string, name: string, holder: string, waitMs: number, fn: () => Promise<T>, onWait?: (by: LockHolder) => void, signal?: AbortSignal): Promise<T> {
  const lease = new NamespaceLease(client, namespace, name, `${holder} (${hostname()} pid ${process.pid})`);
  await lease.acquire(waitMs, onWait, signal);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    // What went wrong matters more than a lock that could not be released (it expires).
    await lease.release().catch(() => undefined);
    throw e;
  }
  await lease.release();
  return result;
}

/** `withNamespaceLock` over several namespaces, taken in name order so that two tychocs cannot each hold one the other waits for. */
export async function withNamespaceLocks<T>(client: KubeClient, namespaces: readonly string[], holder: string, waitMs: number, fn: () => Promise<T>, onWait?: (by: LockHolder) => void, signal?: AbortSignal): Promise<T> {
  const [first, ...rest] = [...new Set(namespaces)].sort();
  if (first === undefined) return fn();
  return withNamespaceLock(client, first, holder, waitMs, () => withNamespaceLocks(client, rest, holder, waitMs, fn, onWait, signal), onWait, signal);
}

class NamespaceLease {
  private readonly path: string;
  private held: KubeObject | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: KubeClient, private readonly namespace: string, private readonly name: string, private readonly identity: string) {
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  }

  async acquire(waitMs: number, onWait?: (by: LockHolder) => void, signal?: AbortSignal): Promise<void> {
    try {
      await this.wait(waitMs, onWait, signal);
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        throw new ClusterError('forbidden', `tychoc takes turns with other tychocs through a Lease, and may not use leases.coordination.k8s.io in namespace ${this.namespace}: ${e.message}`, { cause: e });
      }
      throw e;
    }
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  private async wait(waitMs: number, onWait?: (by: LockHolder) => void, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + waitMs;
    // A lease whose resourceVersion has not changed for its duration, by our own clock, has
    // lost its holder; the holder's clock (renewTime) may differ from ours.
    let seen: { version: string; at: number } | undefined;
    let told = false;
    for (;;) {
      if (signal?.aborted) throw interruption(signal);
      const current = await this.client.getOrUndefined(`${this.path}/${this.name}`);
      if (!current) {
        if (await this.take(() => this.client.request<KubeObject>({ method: 'POST', path: this.path, body: this.lease() }))) break;
        continue;
      }
      const version = current.metadata.resourceVersion ?? '';
      if (seen?.version !== version) seen = { version, at: Date.now() };
      const spec = current['spec'] ?? {};
      const duration = (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000;
      const free = !spec.holderIdentity || Date.now() - seen.at > duration || Date.now() - Date.parse(spec.renewTime ?? '') > duration + 60_000;
      if (free) {
        const body = this.lease(current);
        if (await this.take(() => this.client.request<KubeObject>({ method: 'PUT', path: `${this.path}/${this.name}`, body }))) break;
        continue;
      }
      const by = { holder: spec.holderIdentity as string, heldSeconds: Math.max(0, Math.round((Date.now() - Date.parse(spec.acquireTime ?? spec.renewTime ?? '')) / 1000)) };
      if (Date.now() >= deadline) {
        throw new ClusterError('conflict', `another tychoc (${by.holder}) has been changing namespace ${this.namespace} for ${by.heldSeconds}s; try again when it is done`);
      }
      if (!told) onWait?.(by);
      told = true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Releases the lease if it is still ours: another tychoc that took it over after we stalled keeps it. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    try {
      await this.client.request({
        method: 'DELETE',
        path: `${this.path}/${this.name}`,
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: held.metadata.uid, resourceVersion: held.metadata.resourceVersion } },
      });
    } catch (e) {
      // Gone already, or renewed by someone who took it over: either way not ours any more.
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }

  private async renew(): Promise<void> {
    const held = this.held;
    if (!held) return;
    try {
      this.held = (await this.client.request<KubeObject>({ method: 'PUT', path: `${this.path}/${this.name}`, body: this.lease(held) })).body;
    } catch {
      // A missed renewal is retried at the next tick; the lease lasts three of them.
    }
  }

  /** Tries to write the lease; a conflict means another tychoc was quicker. */
  private async take(write: () => Promise<{ body: KubeObject }>): Promise<boolean> {
    try {
      this.held = (await write()).body;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) return false;
      throw e;
    }
  }

  /** The lease held by us: new, taken over from `current`, or renewed. */
  private lease(current?: KubeObject): KubeObject {
    const now = microTime(new Date());
    const ours = current?.['spec']?.holderIdentity === this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}) },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: LEASE_SECONDS,
        acquireTime: ours ? current?.['spec']?.acquireTime : now,
        renewTime: now,
        leaseTransitions: (current?.['spec']?.leaseTransitions ?? 0) + (current && !ours ? 1 : 0),
      },
    };
  }
}

/** A MicroTime as the API serializes it: RFC 3339 with six fractional digits. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
