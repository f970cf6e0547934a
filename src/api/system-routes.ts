import type { FastifyInstance } from 'fastify';
import { answers, caller } from './answers.js';
import { ApiProblem, success } from './envelope.js';
import { deleteSystem, listSystems, modifySystem, startSystem, touchVisibleSystem, type SystemsContext } from './systems.js';
import type { DeleteRequest, ModifyRequest, StartRequest, StatusRequest } from './types.js';

const systems = { type: 'array', items: { $ref: 'system#' } };
const sidParam = { type: 'object', properties: { sid: { $ref: 'sid#' } }, required: ['sid'] };

/** The system named by Tycho's spellings: `sid`, `tycho-guid` or `name`. */
function sidOf(body: { name?: string; sid?: string; 'tycho-guid'?: string }): string {
  const sid = body.sid ?? body['tycho-guid'] ?? body.name;
  if (!sid) throw new ApiProblem(400, 'name the system: sid (or Tycho\'s name / tycho-guid)');
  return sid;
}

/** Tycho's compute API (`/system/start`, `/system/status`, `/system/delete`, `/system/modify`) and its REST spellings (`/systems`). */
export function systemRoutes(app: FastifyInstance, ctx: SystemsContext): void {
  app.post<{ Body: StartRequest }>('/system/start', { schema: { body: { $ref: 'start-request#' }, response: answers({ $ref: 'system#' }) } }, async (request) => {
    const { view, warnings } = await startSystem(ctx, request.body, caller(request));
    request.log.info({ sid: view.sid }, 'started');
    return success(view, warnings.join('\n'));
  });
  app.post<{ Body: StatusRequest }>('/system/status', { schema: { body: { $ref: 'status-request#' }, response: answers(systems) } }, async (request) =>
    success(await listSystems(ctx, { ...(request.body.name ? { sid: request.body.name } : {}), ...(request.body.username ? { username: request.body.username } : {}) }, caller(request))),
  );
  app.post<{ Body: DeleteRequest }>('/system/delete', { schema: { body: { $ref: 'delete-request#' }, response: answers({ $ref: 'deleted#' }) } }, async (request) =>
    success(await deleteSystem(ctx, sidOf(request.body), request.body.volumes ?? false, caller(request))),
  );
  app.post<{ Body: ModifyRequest }>('/system/modify', { schema: { body: { $ref: 'modify-request#' }, response: answers({ $ref: 'modified#' }) } }, async (request) =>
    success(await modifySystem(ctx, sidOf(request.body), request.body, caller(request))),
  );

  app.get<{ Querystring: { username?: string } }>('/systems', { schema: { querystring: { type: 'object', properties: { username: { type: 'string', minLength: 1 } }, additionalProperties: false }, response: answers(systems) } }, async (request) =>
    success(await listSystems(ctx, { ...(request.query.username ? { username: request.query.username } : {}) }, caller(request))),
  );
  app.post<{ Body: StartRequest }>('/systems', { schema: { body: { $ref: 'start-request#' }, response: answers({ $ref: 'system#' }, 201) } }, async (request, reply) => {
    const { view, warnings } = await startSystem(ctx, request.body, caller(request));
    request.log.info({ sid: view.sid }, 'started');
    return reply.code(201).send(success(view, warnings.join('\n')));
  });
  app.get<{ Params: { sid: string } }>('/systems/:sid', { schema: { params: sidParam, response: answers({ $ref: 'system#' }) } }, async (request) => {
    const [system] = await listSystems(ctx, { sid: request.params.sid }, caller(request));
    if (!system) throw new ApiProblem(404, `no system ${request.params.sid}`);
    return success(system);
  });
  // Query strings are text, and nothing is coerced: `?volumes=true`.
  app.delete<{ Params: { sid: string }; Querystring: { volumes?: 'true' | 'false' } }>('/systems/:sid', { schema: { params: sidParam, querystring: { type: 'object', properties: { volumes: { enum: ['true', 'false'] } }, additionalProperties: false }, response: answers({ $ref: 'deleted#' }) } }, async (request) =>
    success(await deleteSystem(ctx, request.params.sid, request.query.volumes === 'true', caller(request))),
  );
  // A platform's proxy calls it while the user is active; the reaper's idle limit counts from the last call.
  app.post<{ Params: { sid: string } }>('/systems/:sid/touch', { schema: { params: sidParam, response: answers({ $ref: 'touched#' }) } }, async (request) =>
    success(await touchVisibleSystem(ctx, request.params.sid, caller(request))),
  );
  app.patch<{ Params: { sid: string }; Body: ModifyRequest }>('/systems/:sid', { schema: { params: sidParam, body: { $ref: 'modify-request#' }, response: answers({ $ref: 'modified#' }) } }, async (request) =>
    success(await modifySystem(ctx, request.params.sid, request.body, caller(request))),
  );
}
