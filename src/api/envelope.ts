import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ClusterError, type FailureKind } from '../executor/errors.js';
import type { Envelope } from './types.js';

export const success = <T>(result: T, message = ''): Envelope<T> => ({ status: 'success', result, message });

/** A failure the caller caused or may act on, with its HTTP status; `result` carries details (diagnostics). */
export class ApiProblem extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly result: unknown = {},
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

/** The HTTP status for a failure on the cluster: what the caller can do about it. */
const CLUSTER_STATUS: Record<FailureKind, number> = {
  config: 503,
  unreachable: 503,
  unauthorized: 503,
  forbidden: 503,
  conflict: 409,
  invalid: 422,
  quota: 409,
  notFound: 404,
  timeout: 504,
  failed: 422,
  interrupted: 503,
  terminated: 503,
  server: 502,
};

/**
 * Maps any error to an envelope with a proper status, never a stack trace: schema failures are
 * 400, an oversized body 413, cluster failures by kind; anything else is logged and reported as
 * an internal error with the request id to find it by.
 */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const fail = (status: number, message: string, result: unknown = {}) => void reply.code(status).send({ status: 'error', result, message } satisfies Envelope);
  if (error instanceof ApiProblem) return fail(error.statusCode, error.message, error.result);
  if (error instanceof ClusterError) {
    request.log.warn({ kind: error.kind, err: error.message }, 'cluster failure');
    return fail(CLUSTER_STATUS[error.kind], error.message);
  }
  const e = error as FastifyError;
  // A request that failed its schema; an answer that failed its own (no validationContext) is the server's fault.
  if (e.validation && e.validationContext) {
    const errors = e.validation.map((v) => ({ path: v.instancePath || '/', message: v.message ?? 'is invalid' }));
    return fail(400, `invalid request ${e.validationContext}: ${errors.map((v) => `${v.path} ${v.message}`).join('; ')}`, { errors });
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return fail(e.statusCode, e.message);
  request.log.error({ err: error }, 'internal error');
  return fail(500, `internal error (request ${request.id})`);
}
