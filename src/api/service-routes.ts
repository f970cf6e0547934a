import type { FastifyInstance } from 'fastify';
import { answers, caller } from './answers.js';
import { createDefinition, definitionStatus, deleteDefinition, getDefinition, listDefinitions, replaceDefinition, scaleDefinition } from './definitions.js';
import { success } from './envelope.js';
import type { SystemsContext } from './systems.js';
import type { ScaleRequest, ServiceDefinition } from './types.js';

const nameParam = { type: 'object', properties: { name: { $ref: 'service-definition#/properties/name' } }, required: ['name'] };

/** Service definitions, in the style of the Genisys connector: `/service`, `/service/{name}`, its scale and status. */
export function serviceRoutes(app: FastifyInstance, ctx: SystemsContext): void {
  app.get('/service', { schema: { response: answers({ type: 'array', items: { $ref: 'service#' } }) } }, async (request) => success(await listDefinitions(ctx, caller(request))));
  app.post<{ Body: ServiceDefinition }>('/service', { schema: { body: { $ref: 'service-definition#' }, response: answers({ $ref: 'service#' }, 201) } }, async (request, reply) =>
    reply.code(201).send(success(await createDefinition(ctx, request.body, caller(request)))),
  );
  app.get<{ Params: { name: string } }>('/service/:name', { schema: { params: nameParam, response: answers({ $ref: 'service#' }) } }, async (request) =>
    success(await getDefinition(ctx, request.params.name, caller(request))),
  );
  app.put<{ Params: { name: string }; Body: ServiceDefinition }>('/service/:name', { schema: { params: nameParam, body: { $ref: 'service-definition#' }, response: answers({ $ref: 'service#' }) } }, async (request) =>
    success(await replaceDefinition(ctx, request.params.name, request.body, caller(request))),
  );
  app.delete<{ Params: { name: string } }>('/service/:name', { schema: { params: nameParam, response: answers({ $ref: 'deleted#' }) } }, async (request) =>
    success(await deleteDefinition(ctx, request.params.name, caller(request))),
  );
  app.post<{ Params: { name: string }; Body: ScaleRequest }>('/service/:name/scale', { schema: { params: nameParam, body: { $ref: 'scale-request#' }, response: answers({ $ref: 'scaled#' }) } }, async (request) =>
    success(await scaleDefinition(ctx, request.params.name, request.body.number, caller(request))),
  );
  app.get<{ Params: { name: string } }>('/service/:name/status', { schema: { params: nameParam, response: answers({ $ref: 'service-status#' }) } }, async (request) =>
    success(await definitionStatus(ctx, request.params.name, caller(request))),
  );
}
