import { readFileSync, readdirSync } from 'node:fs';
import responseValidation from '@fastify/response-validation';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kube } from '../executor/systems.js';
import type { PolicyOverrides } from '../model/policy.js';
import { packagePath } from '../package-path.js';
import { appRoutes, type AppsContext } from './app-routes.js';
import type { Authenticate } from './auth.js';
import { ApiProblem, errorHandler, success } from './envelope.js';
import { scheduleReaping, type ReapSchedule } from './reaper.js';
import { serviceRoutes } from './service-routes.js';
import { systemRoutes } from './system-routes.js';
import type { SystemsContext } from './systems.js';

export { tokenFile, tokenReview, type Authenticate, type Caller } from './auth.js';
export type * from './types.js';
export { TychoApiError, TychoClient } from './client.js';

export interface ApiOptions {
  readonly kube: Kube;
  readonly authenticate: Authenticate;
  /** Namespace of systems started without one. */
  readonly namespace: string;
  /** Give each system started without a namespace its own (systems of one compose file would collide in a shared one). */
  readonly namespacePerSystem?: boolean;
  readonly policy?: PolicyOverrides;
  /** A policy file for every compile (bind mounts may ship only the request's own files, whatever it says). */
  readonly policyFile?: string;
  readonly version: string;
  /** Largest request body; a compose file with its .env is rarely a tenth of the default 1 MiB. */
  readonly bodyLimit?: number;
  /** Structured JSON logs (one line per request: id, user, sid, duration); off in tests. */
  readonly logger?: boolean;
  /** The app registry the server launches apps from (`/apps`); none: no such routes. */
  readonly registry?: AppsContext;
  /** How long a delete waits for the system's objects to be gone. */
  readonly downTimeoutMs?: number;
  /** Reap systems past their age or idle limit in the background, from the time the server is ready until it closes. */
  readonly reap?: Omit<ReapSchedule, 'registry' | 'timeoutMs'>;
}

const PUBLIC = new Set(['/healthz', '/readyz']);

/**
 * The HTTP server: Tycho's compute API (`/system/start`, `/system/status`, `/system/delete`,
 * `/system/modify`), REST aliases (`/systems`), and service definitions (`/service`). Every body
 * and query has a JSON Schema from `schemas/api/`, and `/openapi.json` is built from the same
 * schemas. State lives in the cluster only, so any number of servers can answer for the same systems.
 */
export async function buildServer(opts: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: 'info' } : false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // Schema-validated bodies are taken as given: no type coercion, no defaults, unknown keys refused.
    ajv: { customOptions: { allowUnionTypes: true, coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: false } },
    requestIdHeader: false,
    return503OnClosing: true,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'tychoc', version: opts.version, description: 'Compose systems on Kubernetes, per user.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  const schemas = apiSchemas();
  for (const schema of schemas) app.addSchema(schema);
  // Answers are checked against their schemas too: a server bug is a 500, never a malformed answer.
  const answerChecker = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false });
  for (const schema of schemas) answerChecker.addSchema(schema);
  await app.register(responseValidation, { ajv: answerChecker });
  app.setErrorHandler(errorHandler);
  // Once closing, answers in flight end their connections, which would otherwise idle for the
  // keep-alive timeout and keep a stopping server alive.
  let closing = false;
  app.addHook('preClose', async () => void (closing = true));
  app.addHook('onSend', async (_request, reply) => void (closing && reply.header('connection', 'close')));
  app.setNotFoundHandler((request, reply) => void reply.code(404).send({ status: 'error', result: {}, message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC.has(request.url.split('?')[0]!)) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new ApiProblem(401, 'a bearer token is required (Authorization: Bearer <token>)');
    request.caller = await opts.authenticate(token);
    // The completion line is written through the reply's logger: both name the caller.
    request.log = reply.log = request.log.child({ user: request.caller.username });
  });

  const ctx: SystemsContext = { kube: opts.kube, namespace: opts.namespace, namespacePerSystem: !!opts.namespacePerSystem, ...(opts.policy ? { policy: opts.policy } : {}), ...(opts.policyFile ? { policyFile: opts.policyFile } : {}), tooling: `tychoc/${opts.version}`, downTimeoutMs: opts.downTimeoutMs ?? 120_000 };

  app.get('/healthz', { schema: { hide: true } }, async () => success({}, 'ok'));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    // Ready when the cluster answers: a server that cannot reach it should get no traffic.
    try {
      await opts.kube.client.request({ method: 'GET', path: '/version' });
      return success({}, 'ready');
    } catch (e) {
      return reply.code(503).send({ status: 'error', result: {}, message: `the cluster is not reachable: ${(e as Error).message}` });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  systemRoutes(app, ctx);
  serviceRoutes(app, ctx);
  if (opts.registry) appRoutes(app, ctx, opts.registry);
  if (opts.reap) scheduleReaping(app, opts.kube, { ...opts.reap, ...(opts.registry ? { registry: opts.registry } : {}), timeoutMs: ctx.downTimeoutMs });
  return app;
}

/** The JSON Schemas of the API's requests and answers (the token file's is not one). */
function apiSchemas(): { $id: string }[] {
  const files = readdirSync(packagePath('schemas', 'api')).filter((f) => f.endsWith('.json') && f !== 'tokens.json').sort();
  return files.map((file) => JSON.parse(readFileSync(packagePath('schemas', 'api', file), 'utf8')));
}
