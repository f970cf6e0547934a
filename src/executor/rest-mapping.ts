import { ApiError, ClusterError } from './errors.js';
import type { KubeClient } from './kube-client.js';

/** Where objects of one kind live in the REST API. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

// The kinds the compiler emits and the executor reads: no discovery round trip for them.
const KNOWN: readonly ResourceType[] = [
  ['', 'v1', 'Namespace', 'namespaces', false],
  ['', 'v1', 'ConfigMap', 'configmaps', true],
  ['', 'v1', 'Secret', 'secrets', true],
  ['', 'v1', 'Service', 'services', true],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['', 'v1', 'Pod', 'pods', true],
  ['apps', 'v1', 'Deployment', 'deployments', true],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true],
  ['batch', 'v1', 'Job', 'jobs', true],
  ['batch', 'v1', 'CronJob', 'cronjobs', true],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
].map(([group, version, kind, resource, namespaced]) => ({ group, version, kind, resource, namespaced }) as ResourceType);

/** The kinds `down` looks for besides those a system's ApplySet parent lists. */
export const KNOWN_GROUP_KINDS: readonly string[] = KNOWN.filter((t) => t.namespaced).map(groupKind);

/** The workload kinds whose pods tychoc reports on and changes (it waits for all but CronJobs, whose runs are yet to come). */
export const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'] as const;

/** The apiVersion of a workload kind. */
export function workloadApiVersion(kind: (typeof WORKLOAD_KINDS)[number]): string {
  return kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
}

/** `Kind.group`, or just `Kind` for the core group: the form ApplySet annotations use. */
export function groupKind(t: { group: string; kind: string }): string {
  return t.group ? `${t.kind}.${t.group}` : t.kind;
}

/** `deployment.apps/web`: how kubectl names an object in messages. */
export function objectRef(t: { group: string; kind: string }, name: string): string {
  return `${t.kind.toLowerCase()}${t.group ? `.${t.group}` : ''}/${name}`;
}

/** Splits an apiVersion into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The collection path of a type (`/apis/apps/v1/namespaces/ns/deployments`), optionally one object and a subresource. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const one = name !== undefined ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${t.resource}${one}`;
}

/** Maps kinds to resources: a static table first, then the server's discovery documents. */
export class RestMapper {
  private readonly discovered = new Map<string, Promise<ResourceType[]>>();

  constructor(private readonly client: KubeClient) {}

  /** The resource type of an apiVersion and kind; throws `notFound` if the cluster does not serve it. */
  async forKind(apiVersion: string, kind: string): Promise<ResourceType> {
    const { group, version } = splitApiVersion(apiVersion);
    const known = KNOWN.find((t) => t.group === group && t.version === version && t.kind === kind);
    if (known) return known;
    const found = (await this.discover(group, version)).find((t) => t.kind === kind);
    if (!found) throw new ClusterError('notFound', `the cluster does not serve kind ${kind} in ${apiVersion}`);
    return found;
  }

  /** The resource type of a `Kind.group` (served version preferred), as in ApplySet annotations. */
  async forGroupKind(gk: string): Promise<ResourceType> {
    const dot = gk.indexOf('.');
    const [kind, group] = dot < 0 ? [gk, ''] : [gk.slice(0, dot), gk.slice(dot + 1)];
    const known = KNOWN.find((t) => t.group === group && t.kind === kind);
    if (known) return known;
    if (!group) return this.forKind('v1', kind);
    const info = await this.client.getOrUndefined<{ preferredVersion?: { version: string } }>(`/apis/${group}`);
    if (!info?.preferredVersion) throw new ClusterError('notFound', `the cluster does not serve API group ${group}`);
    return this.forKind(`${group}/${info.preferredVersion.version}`, kind);
  }

  private discover(group: string, version: string): Promise<ResourceType[]> {
    const key = `${group}/${version}`;
    let list = this.discovered.get(key);
    if (!list) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      list = this.client.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>({ method: 'GET', path }).then(
        ({ body }) => body.resources.filter((r) => !r.name.includes('/')).map((r) => ({ group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced })),
        (e) => {
          if (e instanceof ApiError && e.status === 404) return [];
          throw e;
        },
      );
      this.discovered.set(key, list);
    }
    return list;
  }
}
