import type { Manifest } from '../emit/chart.js';
import { dnsLabel } from '../emit/names.js';
import type { PMap } from '../frontend/tree.js';
import type { Service, System } from '../model/system.js';
import { ComposeKeys, DEFAULT, dotted, type Origin } from './origin.js';
import { labelOrigin, serviceFieldOrigin } from './service-fields.js';

export type { Origin } from './origin.js';

/** One emitted field, its value and what caused it. */
export interface ExplainedField {
  /** `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly value: unknown;
  readonly origin: Origin;
}

/** One emitted object and the cause of each of its fields. */
export interface ExplainedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The compose service it belongs to, when it belongs to one. */
  readonly service?: string;
  readonly fields: readonly ExplainedField[];
}

const SERVICE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);

/**
 * Every leaf field of every manifest with the compose key (with the `.env` lines its variables
 * came from), policy setting, option or default that caused it. Pure: it reads the model, the
 * merged compose tree and the manifests a compile made of them.
 */
export function explainManifests(system: System, root: PMap, manifests: readonly Manifest[], options: { readonly sid?: boolean } = {}): ExplainedObject[] {
  const keys = new ComposeKeys(root);
  // Without --sid, the system id is made from the project's name.
  const sid: Origin = options.sid ? { type: 'option', option: '--sid' } : (keys.at('name') ?? DEFAULT);
  return manifests.map((m) => {
    const component = (m.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name'];
    const svc = SERVICE_KINDS.has(m.kind) ? system.services.find((s) => dnsLabel(s.name, true) === component) : undefined;
    const origin = svc
      ? (path: Path, value: unknown) => serviceFieldOrigin(keys, system, svc, m, path, value, sid)
      : otherObjectOrigin(keys, system, m, component, sid);
    // apiVersion and kind are the kind of object the compose element makes.
    const fields = leaves(m).map(({ path, value }) => ({ path: dotted(path), value, origin: path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind') ? DEFAULT : origin(path, value) }));
    return { apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name, ...(svc ? { service: svc.name } : {}), fields };
  });
}

type Path = readonly (string | number)[];

/** Objects of volumes, configs, secrets, project files, routes and network policies. */
function otherObjectOrigin(keys: ComposeKeys, system: System, m: Manifest, component: string | undefined, sid: Origin): (path: Path, value: unknown) => Origin {
  const named = <T extends { name: string }>(list: readonly T[] | undefined) => list?.find((x) => dnsLabel(x.name) === component);
  const service: Service | undefined = system.services.find((s) => dnsLabel(s.name, true) === component);
  const owner: Origin | undefined =
    m.kind === 'PersistentVolumeClaim' ? keys.of(named(system.volumes)?.pos)
    : m.kind === 'ConfigMap' ? keys.of((named(system.configs) ?? named(system.projectFiles))?.pos)
    : m.kind === 'Secret' ? keys.of(named(system.secrets)?.pos)
    : m.kind === 'Ingress' || m.kind === 'HTTPRoute' ? keys.of(system.routes?.find((r) => dnsLabel(r.service, true) === component)?.pos)
    : undefined;
  const policy: Origin | undefined =
    m.kind === 'NetworkPolicy' ? { type: 'policy', setting: 'networks.policies' }
    : m.kind === 'Ingress' || m.kind === 'HTTPRoute' ? { type: 'policy', setting: 'proxy.output' }
    : undefined;
  return (path) => {
    const [top, second, third] = path;
    if (top === 'metadata' && second === 'labels') return (third === 'app.kubernetes.io/name' && owner) || labelOrigin(keys, system, service, String(third), sid);
    if (top === 'metadata' && second === 'namespace') return { type: 'option', option: '--namespace' };
    if (m.kind === 'PersistentVolumeClaim' && top === 'spec') {
      if (second === 'resources') return { type: 'policy', setting: 'volumes.size' };
      if (second === 'storageClassName') return { type: 'policy', setting: 'volumes.storageClass' };
      if (second === 'accessModes') return { type: 'policy', setting: 'volumes.accessMode' };
    }
    if (m.kind === 'NetworkPolicy' && top === 'spec') return policy!;
    return owner ?? policy ?? DEFAULT;
  };
}

/** Every leaf (scalar, empty list or empty map) of an object, depth first in key order. */
function leaves(value: unknown, path: (string | number)[] = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return value.length === 0 ? [{ path, value }] : value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [{ path, value }] : entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value }];
}
