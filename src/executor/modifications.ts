import type { KubeClient, KubeObject } from './kube-client.js';
import { resourcePath, type ResourceType } from './rest-mapping.js';

/**
 * `tychoc modify` applies under a field manager of its own: an apply under `tychoc` with a partial
 * object would remove every field it leaves out. A later `up --sid` reports these fields as
 * conflicts unless forced.
 */
export const MODIFY_MANAGER = 'tychoc-modify';

/** Resource and label changes (replicas go through the scale subresource). */
export interface Modifications {
  readonly cpu?: string;
  readonly memory?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

type Quantities = Record<string, string>;

/** The fields modify's manager owns in a workload. */
interface Owned {
  readonly labels: Record<string, string>;
  readonly podLabels: Record<string, string>;
  /** Container name → the quantities whose request and limit it sets. */
  readonly resources: Map<string, Quantities>;
}

/**
 * Applies `changes` to a workload under modify's field manager. Each apply carries every field
 * that manager owns now, with its live value, plus the change: a field an apply leaves out is
 * released, and one only it set would be removed, so modifications compose in any order. What
 * the compose file set and no modify touched keeps its owner.
 */
export async function applyModifications(client: KubeClient, type: ResourceType, obj: KubeObject, changes: Modifications): Promise<void> {
  const owned = modifiedFields(type.kind, obj);
  const quantities = { ...(changes.cpu ? { cpu: changes.cpu } : {}), ...(changes.memory ? { memory: changes.memory } : {}) };
  for (const name of containerNames(type.kind, obj)) owned.resources.set(name, { ...owned.resources.get(name), ...quantities });
  await apply(client, type, obj, {
    labels: { ...owned.labels, ...changes.labels },
    podLabels: { ...owned.podLabels, ...changes.labels },
    resources: owned.resources,
  });
}

/**
 * Before `up --sid --force-conflicts` applies `manifest`: modify lets go of the quantities the
 * compose file sets (a request or a limit), request and limit together, so that the two never
 * disagree once the compose file's value is back. Its labels stay.
 */
export async function yieldModifications(client: KubeClient, type: ResourceType, live: KubeObject, manifest: KubeObject): Promise<void> {
  const owned = modifiedFields(type.kind, live);
  if (owned.resources.size === 0) return;
  const wanted = (podTemplate(type.kind, manifest)?.spec?.containers ?? []) as { name: string; resources?: { requests?: Quantities; limits?: Quantities } }[];
  let changed = false;
  for (const [name, quantities] of owned.resources) {
    const set = wanted.find((c) => c.name === name)?.resources;
    const kept = Object.fromEntries(Object.entries(quantities).filter(([q]) => set?.requests?.[q] === undefined && set?.limits?.[q] === undefined));
    if (Object.keys(kept).length !== Object.keys(quantities).length) changed = true;
    owned.resources.set(name, kept);
  }
  if (changed) await apply(client, type, live, owned);
}

async function apply(client: KubeClient, type: ResourceType, obj: KubeObject, owned: Owned): Promise<void> {
  const containers = containerNames(type.kind, obj).map((name) => {
    const q = owned.resources.get(name) ?? {};
    return { name, ...(Object.keys(q).length > 0 ? { resources: { requests: q, limits: q } } : {}) };
  });
  const nonEmpty = (labels: Record<string, string>) => (Object.keys(labels).length > 0 ? { labels } : {});
  const body = {
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    kind: type.kind,
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, ...nonEmpty(owned.labels) },
    spec: inTemplatePath(type.kind, { ...(Object.keys(owned.podLabels).length > 0 ? { metadata: nonEmpty(owned.podLabels) } : {}), spec: { containers } }),
  };
  await client.request({
    method: 'PATCH',
    path: resourcePath(type, obj.metadata.namespace, obj.metadata.name),
    query: { fieldManager: MODIFY_MANAGER, force: 'true', fieldValidation: 'Strict' },
    body: JSON.stringify(body),
    contentType: 'application/apply-patch+yaml',
  });
}

/** A CronJob's pod template is that of its Job template; other workloads have it at `spec.template`. */
// (Listed objects carry no kind: it is the resource type's.)
const podTemplate = (kind: string, obj: KubeObject) => (kind === 'CronJob' ? obj['spec']?.jobTemplate?.spec?.template : obj['spec']?.template);
const inTemplatePath = (kind: string, template: object) => (kind === 'CronJob' ? { jobTemplate: { spec: { template } } } : { template });
const templateFields = (kind: string, fields: FieldSet) => (kind === 'CronJob' ? fields['f:spec']?.['f:jobTemplate']?.['f:spec']?.['f:template'] : fields['f:spec']?.['f:template']);

const containerNames = (kind: string, obj: KubeObject): string[] => ((podTemplate(kind, obj)?.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);

/** The fields modify's manager owns in a workload now (from its managed fields), with their live values. */
export function modifiedFields(kind: string, obj: KubeObject): Owned {
  const entry = (obj.metadata.managedFields ?? []).find((m) => m.manager === MODIFY_MANAGER && m.operation === 'Apply');
  const fields = (entry?.fieldsV1 ?? {}) as FieldSet;
  const keys = (set: FieldSet | undefined) => Object.keys(set ?? {}).filter((k) => k.startsWith('f:')).map((k) => k.slice(2));
  const pick = (live: Record<string, string> | undefined, names: string[]) => Object.fromEntries(names.filter((n) => live?.[n] !== undefined).map((n) => [n, live![n]!]));
  const template = podTemplate(kind, obj);
  const resources = new Map<string, Quantities>();
  const owned = templateFields(kind, fields)?.['f:spec']?.['f:containers'] ?? {};
  for (const [key, container] of Object.entries(owned)) {
    if (!key.startsWith('k:')) continue;
    const name = (JSON.parse(key.slice(2)) as { name: string }).name;
    const live = ((template?.spec?.containers ?? []) as { name: string; resources?: { limits?: Quantities } }[]).find((c) => c.name === name)?.resources;
    const ownedResources = (container as FieldSet)['f:resources'];
    // Request and limit are set together; where another manager took one of them back, modify
    // lets go of the other too, so that the two never disagree.
    const limitKeys = new Set(keys(ownedResources?.['f:limits']));
    const both = keys(ownedResources?.['f:requests']).filter((k) => limitKeys.has(k));
    resources.set(name, pick(live?.limits, both));
  }
  return {
    labels: pick(obj.metadata.labels, keys(fields['f:metadata']?.['f:labels'])),
    podLabels: pick(template?.metadata?.labels, keys(templateFields(kind, fields)?.['f:metadata']?.['f:labels'])),
    resources,
  };
}

/** A managed-fields set (fieldsV1): `f:<field>` and `k:<list key>` members, nested. */
type FieldSet = { [member: string]: FieldSet | undefined };
