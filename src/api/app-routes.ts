import type { FastifyInstance } from 'fastify';
import { diagnosticLine } from '../diagnostics.js';
import type { ResolvedApp } from '../registry/index.js';
import { answers, caller } from './answers.js';
import { ApiProblem, success } from './envelope.js';
import { listSystems, type SystemsContext } from './systems.js';
import type { AppView, LaunchRequest } from './types.js';

/** Where the server reads its app registry, for every request: a changed file is seen at once. */
export interface AppsContext {
  readonly source: string;
  readonly appContext?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const idParam = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } }, required: ['id'] };

/** The app registry over HTTP: `/apps`, `/apps/{id}`, and `/apps/{id}/launch` for the caller (or, for an admin, any user). */
export function appRoutes(app: FastifyInstance, ctx: SystemsContext, apps: AppsContext): void {
  app.get('/apps', { schema: { response: answers({ type: 'array', items: { $ref: 'app#' } }) } }, async () => success([...(await registryApps(apps)).apps.values()].map(appView)));
  app.get<{ Params: { id: string } }>('/apps/:id', { schema: { params: idParam, response: answers({ $ref: 'app#' }) } }, async (request) =>
    success(appView(await oneApp(apps, request.params.id))),
  );
  app.post<{ Params: { id: string }; Body: LaunchRequest }>('/apps/:id/launch', { schema: { params: idParam, body: { $ref: 'launch-request#' }, response: answers({ $ref: 'system#' }, 201) } }, async (request, reply) => {
    const who = caller(request);
    const body = request.body;
    const user = body.username ?? who.username;
    if (who.role !== 'admin' && user !== who.username) throw new ApiProblem(403, `${who.username} may not launch for ${user}`);
    if (who.role !== 'admin' && (body.uid !== undefined || body.gid !== undefined)) throw new ApiProblem(403, 'only an admin may set the uid and gid an app runs as');
    const { registry, apps: known } = await registryApps(apps);
    const found = known.get(request.params.id);
    if (!found) throw new ApiProblem(404, `no app ${request.params.id}`);
    const { launchApp, LaunchRefused } = await import('../registry/index.js');
    try {
      const { sid } = await launchApp(ctx.kube, found, { ...body, user, env: body.env ?? {} }, { ...registry.settings, namespace: registry.settings.namespace ?? ctx.namespace }, { tooling: ctx.tooling, ...(ctx.policy ? { policy: ctx.policy } : {}) });
      const [view] = await listSystems(ctx, { sid }, { username: user, role: 'user' });
      request.log.info({ sid, app: found.id }, 'launched');
      return reply.code(201).send(success(view));
    } catch (e) {
      if (!(e instanceof LaunchRefused)) throw e;
      // Homes that cannot be mounted are the server's configuration, not the caller's request.
      throw new ApiProblem(e.reason === 'instances' ? 409 : e.reason === 'home' ? 503 : 422, e.message, e.diagnostics.length > 0 ? { diagnostics: e.diagnostics.map((d) => diagnosticLine(d)) } : {});
    }
  });
}

/** The registry and its apps in the server's context, read anew; one that does not load is a 503. */
export async function registryApps(apps: AppsContext): Promise<{ registry: import('../registry/index.js').Registry; apps: ReadonlyMap<string, ResolvedApp> }> {
  const { loadRegistry, resolveApps } = await import('../registry/index.js');
  const loaded = await loadRegistry(apps.source, { cwd: apps.cwd, env: apps.env });
  const resolved = loaded.registry ? resolveApps(loaded.registry, apps.appContext) : undefined;
  const errors = [...loaded.diagnostics, ...(resolved?.diagnostics ?? [])].filter((d) => d.severity === 'error');
  // The registry is the server's own configuration: an error in it is the server's, not the caller's.
  if (!loaded.registry || !resolved || errors.length > 0) throw new ApiProblem(503, `the app registry does not load: ${errors.map((d) => diagnosticLine(d))[0] ?? 'no registry'}`);
  return { registry: loaded.registry, apps: resolved.apps };
}

async function oneApp(apps: AppsContext, id: string): Promise<ResolvedApp> {
  const found = (await registryApps(apps)).apps.get(id);
  if (!found) throw new ApiProblem(404, `no app ${id}`);
  return found;
}

/** What users see of an app: no file paths, security context or reaping settings. */
function appView(a: ResolvedApp): AppView {
  return {
    id: a.id,
    name: a.name,
    context: a.context,
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.docs !== undefined ? { docs: a.docs } : {}),
    ...(a.icon !== undefined ? { icon: a.icon } : {}),
    expose: { ...a.expose },
    resources: { defaults: { ...a.resources.defaults }, max: { ...a.resources.max } },
    ...(a.instances !== undefined ? { instances: a.instances } : {}),
  };
}
