import { readFileSync, readdirSync } from 'node:fs';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Kube } from '../executor/systems.js';
import type { PolicyOverrides } from '../model/policy.js';
import { packagePath } from '../package-path.js';
import type { Authenticate, Caller } from './auth.js';
import { createDefinition, definitionStatus, deleteDefinition, getDefinition, listDefinitions, replaceDefinition, scaleDefinition, type ServiceDefinition } from './definitions.js';
import { ApiProblem, errorHandler, success } from './envelope.js';
import { deleteSystem, listSystems, modifySystem, startSystem, type ModifyRequest, type StartRequest, type SystemsContext } from './systems.js';

export { tokenFile, tokenReview, type Authenticate, type Caller } from './auth.js';
export type { Envelope } from './envelope.js';
export type { ModifyRequest, StartRequest, SystemView } from './systems.js';
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
  /** How long a delete waits for the system's objects to be gone. */
  readonly downTimeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
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
  for (const file of readdirSync(packagePath('schemas', 'api')).filter((f) => f.endsWith('.json') && f !== 'tokens.json').sort()) {
    app.addSchema(JSON.parse(readFileSync(packagePath('schemas', 'api', file), 'utf8')));
  }
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
  const caller = (request: FastifyRequest) => request.caller!;
  const envelope = (result: object) => ({ 200: { $ref: 'envelope#', properties: { result } } });
  const sidOf = (body: { name?: string; sid?: string; 'tycho-guid'?: string }) => {
    const sid = body.sid ?? body['tycho-guid'] ?? body.name;
    if (!sid) throw new ApiProblem(400, 'name the system: sid (or Tycho\'s name / tycho-guid)');
    return sid;
  };

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

  app.post<{ Body: StartRequest }>('/system/start', { schema: { body: { $ref: 'start-request#' }, response: envelope({ $ref: 'system#' }) } }, async (request) => {
    const { view, warnings } = await startSystem(ctx, request.body, caller(request));
    request.log.info({ sid: view.sid }, 'started');
    return success(view, warnings.join('\n'));
  });
  app.post<{ Body: { name?: string; username?: string } }>('/system/status', { schema: { body: { $ref: 'status-request#' }, response: envelope({ type: 'array', items: { $ref: 'system#' } }) } }, async (request) =>
    success(await listSystems(ctx, { ...(request.body.name ? { sid: request.body.name } : {}), ...(request.body.username ? { username: request.body.username } : {}) }, caller(request))),
  );
  app.post<{ Body: { name?: string; sid?: string; 'tycho-guid'?: string; volumes?: boolean } }>('/system/delete', { schema: { body: { $ref: 'delete-request#' } } }, async (request) =>
    success(await deleteSystem(ctx, sidOf(request.body), request.body.volumes ?? false, caller(request))),
  );
  app.post<{ Body: ModifyRequest & { name?: string; sid?: string; 'tycho-guid'?: string } }>('/system/modify', { schema: { body: { $ref: 'modify-request#' } } }, async (request) =>
    success(await modifySystem(ctx, sidOf(request.body), request.body, caller(request))),
  );

  // REST spellings of the same operations.
  const sidParam = { type: 'object', properties: { sid: { $ref: 'sid#' } }, required: ['sid'] };
  app.get<{ Querystring: { username?: string } }>('/systems', { schema: { querystring: { type: 'object', properties: { username: { type: 'string', minLength: 1 } }, additionalProperties: false }, response: envelope({ type: 'array', items: { $ref: 'system#' } }) } }, async (request) =>
    success(await listSystems(ctx, { ...(request.query.username ? { username: request.query.username } : {}) }, caller(request))),
  );
  app.post<{ Body: StartRequest }>('/systems', { schema: { body: { $ref: 'start-request#' }, response: { 201: { $ref: 'envelope#' } } } }, async (request, reply) => {
    const { view, warnings } = await startSystem(ctx, request.body, caller(request));
    return reply.code(201).send(success(view, warnings.join('\n')));
  });
  app.get<{ Params: { sid: string } }>('/systems/:sid', { schema: { params: sidParam, response: envelope({ $ref: 'system#' }) } }, async (request) => {
    const [system] = await listSystems(ctx, { sid: request.params.sid }, caller(request));
    if (!system) throw new ApiProblem(404, `no system ${request.params.sid}`);
    return success(system);
  });
  // Query strings are text, and nothing is coerced: `?volumes=true`.
  app.delete<{ Params: { sid: string }; Querystring: { volumes?: 'true' | 'false' } }>('/systems/:sid', { schema: { params: sidParam, querystring: { type: 'object', properties: { volumes: { enum: ['true', 'false'] } }, additionalProperties: false } } }, async (request) =>
    success(await deleteSystem(ctx, request.params.sid, request.query.volumes === 'true', caller(request))),
  );
  app.patch<{ Params: { sid: string }; Body: ModifyRequest }>('/systems/:sid', { schema: { params: sidParam, body: { $ref: 'modify-request#' } } }, async (request) =>
    success(await modifySystem(ctx, request.params.sid, request.body, caller(request))),
  );
  // Service definitions, in the style of the Genisys connector.
  const nameParam = { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$' } }, required: ['name'] };
  app.get('/service', async (request) => success(await listDefinitions(ctx, caller(request))));
  app.post<{ Body: ServiceDefinition }>('/service', { schema: { body: { $ref: 'service-definition#' } } }, async (request, reply) =>
    reply.code(201).send(success(await createDefinition(ctx, request.body, caller(request)))),
  );
  app.get<{ Params: { name: string } }>('/service/:name', { schema: { params: nameParam } }, async (request) => success(await getDefinition(ctx, request.params.name, caller(request))));
  app.put<{ Params: { name: string }; Body: ServiceDefinition }>('/service/:name', { schema: { params: nameParam, body: { $ref: 'service-definition#' } } }, async (request) =>
    success(await replaceDefinition(ctx, request.params.name, request.body, caller(request))),
  );
  app.delete<{ Params: { name: string } }>('/service/:name', { schema: { params: nameParam } }, async (request) => success(await deleteDefinition(ctx, request.params.name, caller(request))));
  app.post<{ Params: { name: string }; Body: { number: number } }>('/service/:name/scale', { schema: { params: nameParam, body: { type: 'object', required: ['number'], properties: { number: { type: 'integer', minimum: 0, maximum: 1000 } }, additionalProperties: false } } }, async (request) =>
    success(await scaleDefinition(ctx, request.params.name, request.body.number, caller(request))),
  );
  app.get<{ Params: { name: string } }>('/service/:name/status', { schema: { params: nameParam } }, async (request) => success(await definitionStatus(ctx, request.params.name, caller(request))));
  return app;
}
