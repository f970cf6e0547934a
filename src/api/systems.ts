import { touchSystem } from '../executor/activity.js';
import { takeDown } from '../executor/delete.js';
import { deploy } from '../executor/deploy.js';
import { withWorkloads, modifyWorkloads, type Changes } from '../executor/modify.js';
import { systemStatus, type SystemStatus } from '../executor/status.js';
import { findSystems, newSid, type Kube, type SystemRef } from '../executor/systems.js';
import { isLabelValue, isQualifiedName, isQuantity } from '../emit/api-rules.js';
import { userLabel } from '../emit/system-labels.js';
import type { PolicyOverrides } from '../model/policy.js';
import type { Caller } from './auth.js';
import { compileRequest } from './compile-request.js';
import { ApiProblem } from './envelope.js';
import type { Deleted, Modified, ModifyRequest, StartRequest, SystemView, Touched } from './types.js';

/** What the system routes need from the server. */
export interface SystemsContext {
  readonly kube: Kube;
  /** Namespace of systems started without one. */
  readonly namespace: string;
  /** Give each system started without a namespace its own, `<project>-<sid>`, instead. */
  readonly namespacePerSystem?: boolean;
  readonly policy?: PolicyOverrides;
  /** The server's policy file, under `policy`. */
  readonly policyFile?: string;
  /** `tychoc/<version>`, for the ApplySet parent. */
  readonly tooling: string;
  readonly downTimeoutMs: number;
}

/** Compiles and deploys a request's compose file as a new system of the caller (or, for an admin, of the user it names). */
export async function startSystem(ctx: SystemsContext, req: StartRequest, caller: Caller): Promise<{ view: SystemView; warnings: readonly string[] }> {
  const username = launchedFor(req, caller);
  const ownNamespace = req.namespace === undefined && !!ctx.namespacePerSystem;
  const namespace = req.namespace ?? ctx.namespace;
  const sid = newSid();
  const compiled = compileRequest(req, { sid, username, ...(ownNamespace ? {} : { namespace }), ...(ctx.policy ? { policy: ctx.policy } : {}), ...(ctx.policyFile ? { policyFile: ctx.policyFile } : {}) });
  const { system } = await deploy(ctx.kube, {
    app: compiled.app,
    manifests: compiled.manifests,
    newSid: sid,
    namespace,
    namespacePerSystem: ownNamespace,
    username: userLabel(username),
    user: username,
    tooling: ctx.tooling,
    keepPartial: false,
    dryRun: false,
    force: false,
  });
  const [status] = await systemStatus(ctx.kube, { sid, namespace: system.namespace });
  if (!status) throw new ApiProblem(500, `system ${sid} was applied but is not found`);
  return { view: view(status), warnings: compiled.warnings };
}

/** Systems the caller may see: its own, or for an admin every one (or one user's). */
export async function listSystems(ctx: SystemsContext, filter: { sid?: string; username?: string }, caller: Caller): Promise<SystemView[]> {
  if (filter.username !== undefined && caller.role !== 'admin' && filter.username !== caller.username) throw new ApiProblem(403, 'only an admin may list another user\'s systems');
  const owner = caller.role === 'admin' ? filter.username : caller.username;
  const all = await systemStatus(ctx.kube, filter.sid !== undefined ? { sid: filter.sid } : {});
  return all.filter((s) => owner === undefined || s.username === userLabel(owner)).map(view);
}

/** Deletes a system the caller may see; its volume claims too with `volumes`. */
export async function deleteSystem(ctx: SystemsContext, sid: string, volumes: boolean, caller: Caller): Promise<Deleted> {
  const system = await visibleSystem(ctx, sid, caller);
  const result = await takeDown(ctx.kube, { sid, namespace: system.namespace, volumes, timeoutMs: ctx.downTimeoutMs });
  return { deleted: [...result.deleted], keptClaims: [...result.keptClaims] };
}

/** Marks a system the caller may see as in use now (a platform's proxy, while its user is active). */
export async function touchVisibleSystem(ctx: SystemsContext, sid: string, caller: Caller): Promise<Touched> {
  const system = await visibleSystem(ctx, sid, caller);
  const touched = await touchSystem(ctx.kube, sid, system.namespace);
  return { sid, namespace: touched.namespace, last_active: touched.lastActive };
}

// The labels that say which system an object belongs to; changing them would orphan it or hand it to another user.
const SYSTEM_KEYS = new Set(['executor', 'app-name', 'name', 'tycho-guid', 'username']);

/** Changes labels, CPU and memory (request and limit), and replicas of a system's services. */
export async function modifySystem(ctx: SystemsContext, sid: string, req: ModifyRequest, caller: Caller): Promise<Modified> {
  const changes = changesOf(req);
  const system = await visibleSystem(ctx, sid, caller);
  const modified = await withWorkloads(ctx.kube, sid, req.service, system.namespace, (workloads) => modifyWorkloads(ctx.kube, workloads, changes));
  return { modified: [...modified] };
}

function changesOf(req: ModifyRequest): Changes {
  const cpu = req.resources?.cpu ?? req.cpu;
  const memory = req.resources?.memory ?? req.memory;
  for (const [what, q] of [['cpu', cpu], ['memory', memory]] as const) {
    if (q !== undefined && !isQuantity(String(q))) throw new ApiProblem(400, `${what} ${JSON.stringify(q)} is not a Kubernetes quantity (such as 500m, 2, 512Mi)`);
  }
  for (const [key, value] of Object.entries(req.labels ?? {})) {
    if (SYSTEM_KEYS.has(key) || key.startsWith('applyset.kubernetes.io/')) throw new ApiProblem(400, `label ${key} is set by tychoc`);
    if (!isQualifiedName(key) || !isLabelValue(value)) throw new ApiProblem(400, `label ${key}=${value} is not a valid Kubernetes label`);
  }
  const changes: Changes = {
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory } : {}),
    ...(req.labels && Object.keys(req.labels).length > 0 ? { labels: req.labels } : {}),
    ...(req.replicas !== undefined ? { replicas: req.replicas } : {}),
  };
  if (Object.keys(changes).length === 0) throw new ApiProblem(400, 'nothing to change: give labels, resources (cpu, memory) or replicas');
  return changes;
}

/** The system, if the caller may see it; another user's system is as absent as one that does not exist. */
async function visibleSystem(ctx: SystemsContext, sid: string, caller: Caller): Promise<SystemRef> {
  const [system] = await findSystems(ctx.kube, { sid });
  if (!system || (caller.role !== 'admin' && system.username !== userLabel(caller.username))) throw new ApiProblem(404, `no system ${sid}`);
  return system;
}

/** The user a system is launched for: a user launches for itself; an admin for whom it names, or itself. */
function launchedFor(req: StartRequest, caller: Caller): string {
  const principal = typeof req.principal === 'string' ? principalName(req.principal) : req.principal?.username;
  const named = req.username ?? principal;
  if (caller.role === 'admin') return named ?? caller.username;
  if (named !== undefined && named !== caller.username) throw new ApiProblem(403, `${caller.username} may not start a system for ${named}`);
  return caller.username;
}

/** Tycho sent its principal as JSON text; only the username is read, never the tokens beside it. */
function principalName(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { username?: unknown };
    return typeof value?.username === 'string' ? value.username : undefined;
  } catch {
    throw new ApiProblem(400, 'principal is neither an object nor JSON text of one');
  }
}

function view(s: SystemStatus): SystemView {
  const services: SystemView['services'] = {};
  for (const svc of s.services) {
    services[svc.name] = {
      kind: svc.kind,
      host: `${svc.name}.${s.namespace}.svc`,
      ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) })),
      desired: svc.desired,
      ready: svc.ready,
    };
  }
  return {
    name: s.name,
    app_id: s.app,
    sid: s.sid,
    namespace: s.namespace,
    ...(s.user !== undefined || s.username !== undefined ? { username: s.user ?? s.username } : {}),
    creation_time: s.created,
    is_ready: s.services.every((svc) => svc.rolledOut && svc.ready >= svc.desired),
    services,
  };
}
