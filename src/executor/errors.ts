/** What went wrong, coarsely enough for a script to act on; the CLI maps each to an exit code. */
export type FailureKind =
  | 'config' // no usable kubeconfig or in-cluster credentials
  | 'unreachable' // no connection to the API server (refused, DNS, TLS, timeout)
  | 'unauthorized' // 401: the credentials were rejected
  | 'forbidden' // 403: authenticated but not allowed
  | 'conflict' // 409, or an object that belongs to someone else
  | 'invalid' // the server rejected an object (400, 422, unknown field)
  | 'quota' // a ResourceQuota would be exceeded
  | 'notFound' // no such system, object or kind
  | 'timeout' // --wait ran out of time
  | 'failed' // a workload failed (a Job's pods failed)
  | 'interrupted' // stopped by SIGINT (Ctrl-C)
  | 'terminated' // stopped by SIGTERM
  | 'server'; // anything else the server said

/** A failure talking to the cluster or carrying out a command on it; `message` is one line for the user. */
export class ClusterError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClusterError';
  }
}

/** An error status from the API server, with the server's own message. */
export class ApiError extends ClusterError {
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
    readonly request: string,
  ) {
    super(classify(status, reason, message), message);
    this.name = 'ApiError';
  }
}

/** What undoing a failed `up`/`apply` did. */
export interface Undone {
  /** Created by the attempt, and removed again. */
  readonly removed: readonly string[];
  /** Created by the attempt, and left in place (on purpose, or because removing failed). */
  readonly kept: readonly string[];
  /** Changed by the attempt, and put back as the system's last revision had them. */
  readonly restored: readonly string[];
  /** Changed by the attempt, and left so (no revision was kept, or putting back failed). */
  readonly unrestored: readonly string[];
}

/** A failed `up`/`apply`: which step failed and what was undone. */
export class ApplyError extends ClusterError {
  constructor(
    cause: ClusterError,
    readonly step: string,
    readonly undone: Undone,
    sid: string,
  ) {
    const { removed, kept, restored, unrestored } = undone;
    const parts = [
      restored.length > 0 ? `restored the ${restored.length} object(s) this attempt changed (${restored.join(', ')})` : '',
      unrestored.length > 0 ? `changed and not restored: ${unrestored.join(', ')}` : '',
      removed.length > 0 ? `removed the ${removed.length} object(s) this attempt created` : '',
      kept.length > 0 ? `left in place: ${kept.join(', ')} (tychoc down ${sid} removes them)` : '',
    ].filter(Boolean);
    super(cause.kind, `${step} failed: ${cause.message}${parts.map((p) => `; ${p}`).join('')}`, { cause });
    this.name = 'ApplyError';
  }
}

function classify(status: number, reason: string | undefined, message: string): FailureKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return /exceeded quota|forbidden: exceeded/i.test(message) ? 'quota' : 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  // Kubernetes 1.33 answers a server-side apply with an unknown field with HTTP 500
  // (kubernetes/kubernetes#122480); the message is what tells it apart.
  if (status === 500 && /field not declared in schema|unknown field/i.test(message)) return 'invalid';
  if (reason === 'Invalid' || reason === 'BadRequest') return 'invalid';
  return 'server';
}

/** Wraps anything thrown into a ClusterError, leaving ClusterErrors as they are. */
export function asClusterError(e: unknown): ClusterError {
  if (e instanceof ClusterError) return e;
  return new ClusterError('server', e instanceof Error ? e.message : String(e), { cause: e });
}

/** The error a command stops with when `signal` was aborted by a stop signal (its reason). */
export function interruption(signal: AbortSignal): ClusterError {
  const name = String(signal.reason);
  return new ClusterError(name === 'SIGTERM' ? 'terminated' : 'interrupted', `interrupted by ${name}`);
}
