import { SID_LABEL } from '../emit/system-labels.js';
import { APPLYSET_ID_LABEL, USER_ANNOTATION } from './applyset.js';
import { ApiError } from './errors.js';
import type { KubeObject } from './kube-client.js';
import { listVisible } from './objects.js';
import { objectRef, WORKLOAD_KINDS, workloadApiVersion } from './rest-mapping.js';
import { systemSelector, type Kube } from './systems.js';
import { rolloutOf } from './wait.js';

/** A port a service listens on; `nodePort` when it is also exposed on every node. */
export interface PortStatus {
  readonly port: number;
  readonly protocol: string;
  readonly nodePort?: number;
}

/** One compose service as it runs. */
export interface ServiceStatus {
  readonly name: string;
  readonly kind: string;
  /** Replicas wanted (completions for a Job, scheduled pods for a DaemonSet, runs going on for a CronJob). */
  readonly desired: number;
  /** Replicas ready (succeeded pods for a Job, runs going on for a CronJob). */
  readonly ready: number;
  readonly rolledOut: boolean;
  /** Pod count by phase, e.g. `{ Running: 2 }`. */
  readonly pods: Record<string, number>;
  readonly restarts: number;
  readonly ports: readonly PortStatus[];
  readonly created: string;
}

/** One system and its services. */
export interface SystemStatus {
  readonly name: string;
  readonly app: string;
  readonly sid: string;
  readonly namespace: string;
  readonly username?: string;
  /** The user's name as given, where the label had to change it. */
  readonly user?: string;
  readonly created: string;
  readonly services: readonly ServiceStatus[];
  /** Its volume claims: whether a volume is bound to each, and its size. */
  readonly claims: readonly ClaimStatus[];
}

/** One volume claim of a system. */
export interface ClaimStatus {
  readonly name: string;
  /** Pending, Bound, Lost, or Terminating while it is deleted. */
  readonly phase: string;
  readonly capacity?: string;
  readonly storageClass?: string;
}

const serviceName = (o: KubeObject) => o.metadata.labels?.['app.kubernetes.io/name'] ?? o.metadata.name;

/** Status of every system visible (in `namespace`, or all namespaces), or of one system. */
export async function systemStatus(kube: Kube, filter: { sid?: string; namespace?: string }): Promise<SystemStatus[]> {
  const selector = systemSelector(filter.sid);
  const list = async (apiVersion: string, kind: string, extra = '') =>
    listVisible(kube.client, await kube.mapper.forKind(apiVersion, kind), selector + extra, filter.namespace, kube.defaultNamespace);
  const workloadTypes = await Promise.all(WORKLOAD_KINDS.map((k) => kube.mapper.forKind(workloadApiVersion(k), k)));
  const [workloads, services, pods, parents, claims] = await Promise.all([
    visibleWorkloads(workloadTypes.map((t) => listVisible(kube.client, t, selector, filter.namespace, kube.defaultNamespace).then((items) => items.map((o) => ({ ...o, kind: t.kind }))))),
    list('v1', 'Service'),
    list('v1', 'Pod'),
    list('v1', 'ConfigMap', `,${APPLYSET_ID_LABEL}`),
    // A user who may not read claims still sees the rest.
    list('v1', 'PersistentVolumeClaim').catch((e) => (e instanceof ApiError && e.status === 403 ? [] : Promise.reject(e))),
  ]);
  const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.labels?.[SID_LABEL]}`;
  const systems = new Map<string, KubeObject[]>();
  for (const o of [...parents, ...workloads]) systems.set(key(o), [...(systems.get(key(o)) ?? []), o]);
  return [...systems.values()]
    .map((objects) => {
      const first = objects[0]!;
      const labels = first.metadata.labels ?? {};
      const mine = (o: KubeObject) => key(o) === key(first);
      return {
        name: labels['name'] ?? '',
        app: labels['app-name'] ?? '',
        sid: labels[SID_LABEL] ?? '',
        namespace: first.metadata.namespace ?? '',
        ...(labels['username'] ? { username: labels['username'] } : {}),
        ...userOf(parents.filter(mine)),
        created: objects.map((o) => o.metadata.creationTimestamp ?? '').sort()[0] ?? '',
        services: workloads
          .filter(mine)
          .map((w) => serviceStatus(w, services.filter(mine), pods.filter(mine)))
          .sort((a, b) => a.name.localeCompare(b.name)),
        claims: claims.filter(mine).map(claimStatus).sort((a, b) => a.name.localeCompare(b.name)),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * The workloads of every kind the user may list: a role written before tychoc emitted CronJobs
 * still shows its Deployments. Forbidden every kind, the user is told so.
 */
async function visibleWorkloads(lists: readonly Promise<KubeObject[]>[]): Promise<KubeObject[]> {
  const settled = await Promise.allSettled(lists);
  const forbidden = (r: PromiseSettledResult<KubeObject[]>) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status === 403;
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && (!forbidden(r) || settled.every(forbidden)));
  if (failed) throw failed.reason;
  return settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}

function claimStatus(c: KubeObject): ClaimStatus {
  const capacity = c['status']?.capacity?.storage ?? c['spec']?.resources?.requests?.storage;
  const storageClass = c['spec']?.storageClassName;
  return {
    name: c.metadata.name,
    phase: c.metadata.deletionTimestamp ? 'Terminating' : (c['status']?.phase ?? 'Pending'),
    ...(capacity ? { capacity } : {}),
    ...(storageClass ? { storageClass } : {}),
  };
}

function serviceStatus(w: KubeObject, services: KubeObject[], pods: KubeObject[]): ServiceStatus {
  const name = serviceName(w);
  const st = w['status'] ?? {};
  const own = pods.filter((p) => serviceName(p) === name);
  const phases: Record<string, number> = {};
  for (const p of own) {
    const phase = p.metadata.deletionTimestamp ? 'Terminating' : (p['status']?.phase ?? 'Unknown');
    phases[phase] = (phases[phase] ?? 0) + 1;
  }
  const [desired, ready] =
    w.kind === 'Job' ? [w['spec']?.completions ?? 1, st.succeeded ?? 0]
    : w.kind === 'CronJob' ? [st.active?.length ?? 0, st.active?.length ?? 0]
    : w.kind === 'DaemonSet' ? [st.desiredNumberScheduled ?? 0, st.numberReady ?? 0]
    : [w['spec']?.replicas ?? 1, st.readyReplicas ?? 0];
  // The Service named as the workload; the ones for its other names (aliases) have no node ports.
  const svc = services.find((s) => serviceName(s) === name && s.metadata.name === w.metadata.name);
  return {
    name,
    kind: w.kind!,
    desired,
    ready,
    rolledOut: rolloutOf(objectRef({ group: '', kind: w.kind! }, w.metadata.name), w).done,
    pods: phases,
    restarts: own.reduce((n, p) => n + ((p['status']?.containerStatuses ?? []) as { restartCount?: number }[]).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0),
    ports: ((svc?.['spec']?.ports ?? []) as { port: number; protocol?: string; nodePort?: number }[]).map((p) => ({
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    })),
    created: w.metadata.creationTimestamp ?? '',
  };
}

/** The user's name as given, from the system's ApplySet parent. */
function userOf(parents: readonly KubeObject[]): { user?: string } {
  const user = parents[0]?.metadata.annotations?.[USER_ANNOTATION];
  return user !== undefined ? { user } : {};
}
