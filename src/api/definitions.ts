import type { Manifest } from '../emit/chart.js';
import { userLabel } from '../emit/system-labels.js';
import { takeDown } from '../executor/delete.js';
import { deploy } from '../executor/deploy.js';
import { ClusterError } from '../executor/errors.js';
import type { KubeObject } from '../executor/kube-client.js';
import { findWorkloads, scaleWorkloads } from '../executor/modify.js';
import { listObjects } from '../executor/objects.js';
import { systemStatus } from '../executor/status.js';
import { newSid } from '../executor/systems.js';
import type { Caller } from './auth.js';
import { compileRequest } from './compile-request.js';
import { ApiProblem } from './envelope.js';
import type { SystemsContext } from './systems.js';
import type { DefinedService, Deleted, Scaled, ServiceDefinition, ServiceStatus } from './types.js';


/** The label that marks a definition's ConfigMap, and says which definition it holds. */
const DEFINITION_LABEL = 'tychoc.io/service-definition';
const DATA_KEY = 'definition.json';
const CONFIG_MAPS = { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true } as const;

/**
 * Each definition is a system of its own whose objects include a ConfigMap holding the
 * definition: written, replaced and deleted with the system in one apply, so no definition is
 * left half-written, and every server sees the same ones. Scaling acts on that system's own
 * workload, never on containers found by image.
 */
export async function listDefinitions(ctx: SystemsContext, caller: Caller): Promise<DefinedService[]> {
  return (await definitionMaps(ctx, caller)).map(read);
}

export async function getDefinition(ctx: SystemsContext, name: string, caller: Caller): Promise<DefinedService> {
  return read(await definitionMap(ctx, name, caller));
}

/** Creates a definition and runs it; 409 when one of that name exists, 422 (nothing written) when it does not compile. */
export async function createDefinition(ctx: SystemsContext, def: ServiceDefinition, caller: Caller): Promise<DefinedService> {
  if ((await definitionMaps(ctx, undefined)).some((m) => m.metadata.labels?.[DEFINITION_LABEL] === def.name)) throw new ApiProblem(409, `service ${def.name} is already defined`);
  const sid = newSid();
  await apply(ctx, def, sid, def.replicas ?? 1, caller, false);
  return { ...def, sid };
}

/** Replaces a definition, keeping the replicas it is scaled to. */
export async function replaceDefinition(ctx: SystemsContext, name: string, def: ServiceDefinition, caller: Caller): Promise<DefinedService> {
  if (def.name !== name) throw new ApiProblem(400, `the definition is named ${def.name}, not ${name}`);
  const current = read(await definitionMap(ctx, name, caller));
  // A workload deleted by hand is run again with the definition's replicas.
  const [workload] = await findWorkloads(ctx.kube, current.sid, name).catch((e: unknown) => {
    if (e instanceof ClusterError && e.kind === 'notFound') return [];
    throw e;
  });
  const replicas = (workload?.obj as { spec?: { replicas?: number } } | undefined)?.spec?.replicas ?? def.replicas ?? 1;
  await apply(ctx, def, current.sid, replicas, caller, true);
  return { ...def, sid: current.sid };
}

export async function deleteDefinition(ctx: SystemsContext, name: string, caller: Caller): Promise<Deleted> {
  const { sid } = read(await definitionMap(ctx, name, caller));
  const result = await takeDown(ctx.kube, { sid, namespace: ctx.namespace, volumes: true, timeoutMs: ctx.downTimeoutMs });
  return { deleted: [...result.deleted], keptClaims: [...result.keptClaims] };
}

/** Exactly `replicas` of this definition's workload. */
export async function scaleDefinition(ctx: SystemsContext, name: string, replicas: number, caller: Caller): Promise<Scaled> {
  const { sid } = read(await definitionMap(ctx, name, caller));
  return { scaled: [...(await scaleWorkloads(ctx.kube, await findWorkloads(ctx.kube, sid, name, ctx.namespace), replicas))] };
}

export async function definitionStatus(ctx: SystemsContext, name: string, caller: Caller): Promise<ServiceStatus> {
  const { sid } = read(await definitionMap(ctx, name, caller));
  const [system] = await systemStatus(ctx.kube, { sid, namespace: ctx.namespace });
  const service = system?.services.find((s) => s.name === name);
  const desired = service?.desired ?? 0;
  const running = service?.ready ?? 0;
  return { running_resources: running, desired, ready: running >= desired && (service?.rolledOut ?? false), sid };
}

async function apply(ctx: SystemsContext, def: ServiceDefinition, sid: string, replicas: number, caller: Caller, existing: boolean): Promise<void> {
  const service: Record<string, unknown> = { image: def.image, deploy: { replicas } };
  if (def.command !== undefined) service['command'] = def.command;
  if (def.environment !== undefined) service['environment'] = def.environment;
  if (def.ports !== undefined) service['ports'] = def.ports.map(String);
  const compiled = compileRequest({ system: { name: def.name, services: { [def.name]: service } } }, { sid, username: caller.username, namespace: ctx.namespace, ...(ctx.policy ? { policy: ctx.policy } : {}), ...(ctx.policyFile ? { policyFile: ctx.policyFile } : {}) });
  const holder: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${def.name}-definition`, labels: { [DEFINITION_LABEL]: def.name } },
    data: { [DATA_KEY]: `${JSON.stringify(def)}\n` },
  } as Manifest;
  await deploy(ctx.kube, {
    app: compiled.app,
    manifests: [...compiled.manifests, holder],
    ...(existing ? { sid } : { newSid: sid }),
    namespace: ctx.namespace,
    namespacePerSystem: false,
    username: userLabel(caller.username),
    user: caller.username,
    tooling: ctx.tooling,
    keepPartial: false,
    dryRun: false,
    // A replaced definition wins over earlier scaling; its replicas were read first.
    force: existing,
  });
}

async function definitionMaps(ctx: SystemsContext, caller: Caller | undefined): Promise<KubeObject[]> {
  const maps = await listObjects(ctx.kube.client, CONFIG_MAPS, DEFINITION_LABEL, ctx.namespace);
  return maps.filter((m) => !caller || caller.role === 'admin' || m.metadata.labels?.['username'] === userLabel(caller.username));
}

async function definitionMap(ctx: SystemsContext, name: string, caller: Caller): Promise<KubeObject> {
  const found = (await definitionMaps(ctx, caller)).find((m) => m.metadata.labels?.[DEFINITION_LABEL] === name);
  if (!found) throw new ApiProblem(404, `no service ${name}`);
  return found;
}

function read(m: KubeObject): DefinedService {
  const def = JSON.parse((m as { data?: Record<string, string> }).data?.[DATA_KEY] ?? '{}') as ServiceDefinition;
  return { ...def, sid: m.metadata.labels?.['tycho-guid'] ?? '' };
}
