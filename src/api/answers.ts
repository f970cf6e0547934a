import type { FastifyRequest } from 'fastify';
import type { Caller } from './auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** The authenticated caller (the onRequest hook has set it on every route that needs one). */
export const caller = (request: FastifyRequest): Caller => request.caller!;

/**
 * A route's answers: the envelope with `result` as given for `code`, and the envelope with any
 * result for failures. Fastify serializes (and drops keys beyond) the schema of each.
 */
export function answers(result: object, code = 200): Record<string, object> {
  return { [code]: { $ref: 'envelope#', properties: { result } }, '4xx': { $ref: 'envelope#' }, '5xx': { $ref: 'envelope#' } };
}
