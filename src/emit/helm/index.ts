import { createHash } from 'node:crypto';
import type { System } from '../../model/system.js';
import type { Manifest } from '../chart.js';
import { dnsLabel } from '../names.js';
import { toYamlQuoting, toYamlStream } from '../serialize.js';
import { helpersTemplate } from './helpers.js';
import { serviceChart, type TemplatedObject } from './service-values.js';
import { objectTemplate } from './template.js';
import { valuesSchema } from './values-schema.js';

/**
 * The compiled objects as a Helm chart (file path → content): Chart.yaml, values.yaml with each
 * service's image, tag, replicas, resources, Service type and ingress, the values' schema, and a template per object
 * in which those values fill their fields. Rendered with the default values, the chart yields
 * exactly the compiled objects; everything else in them is literal text Helm does not interpret.
 */
export function emitHelmChart(system: System, manifests: readonly Manifest[]): Map<string, string> {
  const chart = dnsLabel(system.name);
  const services = system.services.map((svc) => serviceChart(chart, system, svc, manifests)).sort((a, b) => (a.key < b.key ? -1 : 1));
  const owned = new Map<Manifest, { key?: string; object: TemplatedObject }>();
  for (const s of services) for (const object of s.objects) owned.set(object.manifest, { key: s.key, object });
  const files = new Map<string, string>();
  files.set('Chart.yaml', yaml({
    apiVersion: 'v2',
    name: chart,
    description: `The Kubernetes objects of the compose project ${system.name}, compiled by tychoc`,
    type: 'application',
    version: '0.1.0',
    // Which compile the chart holds: the same objects, the same appVersion.
    appVersion: createHash('sha256').update(toYamlStream(manifests)).digest('hex').slice(0, 12),
  }));
  files.set('values.yaml', `${VALUES_HEADER}${yaml({ services: Object.fromEntries(services.map((s) => [s.key, s.values])) })}`);
  files.set('values.schema.json', `${JSON.stringify(valuesSchema(services), null, 2)}\n`);
  files.set('templates/_helpers.tpl', helpersTemplate(chart));
  // Every compiled object in its own template, then the objects values may add (an Ingress to turn on).
  const templated = [...manifests.map((m) => owned.get(m) ?? { object: { manifest: m, holes: [] } }), ...[...owned.values()].filter((o) => o.object.optional)];
  for (const { key, object } of templated) files.set(templateFile(object.manifest), templateText(chart, key, object));
  return files;
}

function templateFile(m: Manifest): string {
  return `templates/${m.metadata.name}-${m.kind.toLowerCase()}.yaml`;
}

/** An object's template, with the service's values bound to `$svc` where a value fills it. */
function templateText(chart: string, key: string | undefined, object: TemplatedObject): string {
  const prelude = key === undefined || (object.holes.length === 0 && !object.when) ? '' : `{{- $svc := index .Values.services "${key}" -}}\n`;
  return `${TEMPLATE_MARK}\n${objectTemplate(object.manifest, object.holes, { chart, prelude, ...(object.when ? { when: object.when } : {}) })}`;
}

/**
 * The first line of every object template tychoc writes: a template of an object the next compile
 * no longer has is one of these, and may be removed (a template of the user's own never is).
 */
export const TEMPLATE_MARK = '{{- /* Written by tychoc compile --format helm; the next compile rewrites it. */ -}}';

const VALUES_HEADER = `# Per service (by its Kubernetes name): image, replicas, resources, the Service's type and an
# Ingress. The defaults are what tychoc compiled. A service publishing a TCP port (compose ports:)
# without an Ingress gets one, for that port, with ingress.enabled=true.
`;

function yaml(value: unknown): string {
  return toYamlQuoting(value, () => false);
}
