import { Document, isScalar, Scalar, visit } from 'yaml';
import { blockYaml } from './block-yaml.js';
import type { Manifest } from './chart.js';

/** Apply order: what others depend on first (namespaces, config, storage, then workloads). */
const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ServiceAccount', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'Ingress'];

/** Objects in a stable order: by kind's apply order, then name. */
export function sortManifests(manifests: readonly Manifest[]): Manifest[] {
  const rank = (m: Manifest) => {
    const i = KIND_ORDER.indexOf(m.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return [...manifests].sort((a, b) => rank(a) - rank(b) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

/**
 * Strings are quoted wherever a YAML 1.1 reader (kubectl's) or a 1.2 reader would take them for
 * something else: `on`, `yes`, `0440` and `1:20` under 1.1, `0o17` under 1.2.
 */
function stringify(value: unknown, doubleQuoted?: (s: string) => boolean): string {
  const direct = doubleQuoted ? undefined : blockYaml(value);
  if (direct !== undefined) return direct;
  const quote = (s: string) => OCTAL_1_2.test(s) || (doubleQuoted?.(s) ?? false);
  let keys = false;
  const doc = new Document(withQuotes(value, quote, () => (keys = true)), { version: '1.1', aliasDuplicateObjects: false });
  // A key is a node only once the document is made; such keys are rare, so only then a visit.
  if (keys) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && typeof pair.key.value === 'string' && quote(pair.key.value)) pair.key.type = Scalar.QUOTE_DOUBLE;
      },
    });
  }
  return doc.toString({ lineWidth: 0 });
}
const OCTAL_1_2 = /^[-+]?0o[0-7]+$/;

/**
 * `value` with the strings `quote` picks as double-quoted scalars, copied only where one is found
 * (`onKey` is told of keys it picks): a walk of plain values instead of a visit of every node of
 * the document, which cost a fifth of a large project's serialization.
 */
function withQuotes(value: unknown, quote: (s: string) => boolean, onKey: () => void): unknown {
  if (typeof value === 'string') return quote(value) ? Object.assign(new Scalar(value), { type: Scalar.QUOTE_DOUBLE }) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const q = withQuotes(item, quote, onKey);
      if (q !== item) (copy ??= [...value])[i] = q;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    if (quote(k)) onKey();
    const q = withQuotes(v, quote, onKey);
    if (q !== v) (copy ??= { ...value })[k] = q;
  }
  return copy ?? value;
}

/** One object as a YAML document. */
export function toYaml(m: Manifest): string {
  return stringify(m);
}

/** One value as a YAML document, as toYaml writes it but with the strings `doubleQuoted` picks double-quoted. */
export function toYamlQuoting(value: unknown, doubleQuoted: (s: string) => boolean): string {
  return stringify(value, doubleQuoted);
}

/** A multi-document YAML stream, as `kubectl apply -f -` reads it. */
export function toYamlStream(manifests: readonly Manifest[]): string {
  return manifests.map(toYaml).join('---\n');
}

/** A `v1 List`, the JSON form `kubectl apply -f` reads. */
export function toJsonList(manifests: readonly Manifest[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`;
}

/** One file per object (`<name>-<kind>.yaml`) and a kustomization listing them. */
export function toFiles(manifests: readonly Manifest[], format: 'yaml' | 'json'): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of manifests) {
    const file = `${m.metadata.name}-${m.kind.toLowerCase()}.${format}`;
    files.set(file, format === 'json' ? `${JSON.stringify(m, null, 2)}\n` : toYaml(m));
  }
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files.keys()] };
  files.set('kustomization.yaml', stringify(kustomization));
  return files;
}
