import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Manifest } from '../src/emit/chart.js';
import { packagePath } from '../src/package-path.js';

/**
 * Whether an object is valid Kubernetes 1.33: its OpenAPI schema (schemas/kubernetes-1.33.json,
 * see schemas/README.md), read strictly as the apiserver's strict field validation does, plus the
 * apiserver's rules that the schema does not carry. Written apart from the compiler's own guard
 * (src/emit/guard.ts), so that each checks the other.
 */
const vendored = JSON.parse(readFileSync(packagePath('schemas', 'kubernetes-1.33.json'), 'utf8')) as { definitions: Record<string, Schema> };
type Schema = Record<string, unknown>;

/** Unknown fields are errors (kubectl and server-side apply's `fieldValidation=Strict`). */
function strictFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictFields);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strictFields(s)])) : strictFields(v)]));
  if (out['properties'] && out['additionalProperties'] === undefined && !out['x-kubernetes-preserve-unknown-fields']) out['additionalProperties'] = false;
  return out;
}

function validator(): (m: Manifest) => string[] {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addVocabulary(['x-kubernetes-group-version-kind', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy', 'x-kubernetes-unions', 'x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields']);
  // Entries of a list-map are merged by these keys (server-side apply refuses duplicates).
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    validate: (keys: string[], data: Record<string, unknown>[]) => new Set(data.map((e) => JSON.stringify(keys.map((k) => e[k])))).size === data.length,
  });
  for (const [name, test] of Object.entries({ int32: (n: number) => Math.abs(n) < 2 ** 31, int64: Number.isInteger, int: Number.isInteger, double: () => true, 'int-or-string': () => true })) {
    ajv.addFormat(name, { type: 'number', validate: test });
  }
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat('date-time', () => true);
  ajv.addSchema({ $id: 'k8s', definitions: strictFields(vendored.definitions) });
  const byKind = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(vendored.definitions)) {
    for (const g of (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[]) {
      byKind.set(`${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`, ajv.getSchema(`k8s#/definitions/${name}`)!);
    }
  }
  return (m) => {
    const validate = byKind.get(`${m.apiVersion}/${m.kind}`);
    if (!validate) return [`no schema for ${m.apiVersion} ${m.kind}`];
    return validate(m) ? apiserverRules(m) : validate.errors!.map(explainError).concat(apiserverRules(m));
  };
}

function explainError(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
  return `${e.instancePath || '/'} ${e.message}${extra}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const DATA_KEY = /^(?!\.\.?$)[-._a-zA-Z0-9]{1,253}$/;
/** Printable ASCII but '=' (RelaxedEnvironmentVariableValidation, on by default in 1.33). */
const ENV_NAME = /^[ -<>-~]+$/;
const QUANTITY = /^(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;

type Json = Record<string, any>;

/** Rules the apiserver's validation applies that are not in the OpenAPI schema. */
function apiserverRules(m: Manifest): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  const name = m.metadata.name;
  check(m.kind === 'Service' ? DNS_1035.test(name) : SUBDOMAIN.test(name) && name.length <= 253, `metadata.name ${name} is not a valid ${m.kind} name`);
  const meta = m.metadata as Json;
  for (const [k, v] of Object.entries<string>(meta['labels'] ?? {})) check(QUALIFIED_KEY.test(k) && LABEL_VALUE.test(v), `label ${k}=${v}`);
  for (const k of Object.keys(meta['annotations'] ?? {})) check(QUALIFIED_KEY.test(k), `annotation key ${k}`);
  for (const k of Object.keys({ ...(m as Json)['data'], ...(m as Json)['binaryData'] })) check(DATA_KEY.test(k), `data key ${k}`);
  const spec = (m as Json)['spec'];
  const template = m.kind === 'CronJob' ? spec?.jobTemplate?.spec?.template : spec?.template;
  if (template) {
    const selector: Json = spec.selector?.matchLabels ?? {};
    check(Object.entries(selector).every(([k, v]) => template.metadata?.labels?.[k] === v), 'selector does not match the template labels');
    const meta = template.metadata ?? {};
    for (const [k, v] of Object.entries<string>(meta['labels'] ?? {})) check(QUALIFIED_KEY.test(k) && LABEL_VALUE.test(v), `template label ${k}=${v}`);
    const volumes = (template.spec.volumes ?? []) as Json[];
    for (const v of volumes) check(DNS_LABEL.test(v['name']), `volume name ${v['name']}`);
    check(unique(volumes.map((v) => v['name'])), 'volume names are not unique');
    for (const v of volumes) for (const i of (v['configMap'] ?? v['secret'])?.items ?? []) check(DATA_KEY.test(i.key) && relative(i.path), `volume item ${i.key} -> ${i.path}`);
    for (const c of template.spec.containers as Json[]) {
      check(DNS_LABEL.test(c['name']), `container name ${c['name']}`);
      for (const p of (c['ports'] ?? []) as Json[]) {
        check(p['name'] === undefined || IANA_SVC_NAME.test(p['name']), `port name ${p['name']}`);
        check(p['containerPort'] >= 1 && p['containerPort'] <= 65535, `containerPort ${p['containerPort']}`);
      }
      const env = (c['env'] ?? []) as Json[];
      for (const e of env) check(ENV_NAME.test(e['name']), `env name ${JSON.stringify(e['name'])}`);
      const mounts = (c['volumeMounts'] ?? []) as Json[];
      check(unique(mounts.map((m) => m['mountPath'])), 'mountPaths are not unique');
      for (const mount of mounts) {
        check(volumes.some((v) => v['name'] === mount['name']), `mount of missing volume ${mount['name']}`);
        check(mount['subPath'] === undefined || relative(mount['subPath']), `subPath ${mount['subPath']}`);
      }
      for (const probe of [c['livenessProbe'], c['readinessProbe'], c['startupProbe']].filter(Boolean) as Json[]) {
        for (const f of ['periodSeconds', 'timeoutSeconds', 'failureThreshold']) check(probe[f] === undefined || probe[f] >= 1, `probe ${f} ${probe[f]}`);
      }
      for (const q of Object.values<Json>(c['resources'] ?? {}).flatMap((r) => Object.values(r))) check(QUANTITY.test(String(q)), `quantity ${q}`);
    }
  }
  if (typeof spec?.replicas === 'number') check(spec.replicas >= 0, `replicas ${spec.replicas}`);
  if (m.kind === 'Service') {
    for (const p of (spec.ports ?? []) as Json[]) check(DNS_LABEL.test(p['name']) && p['port'] >= 1 && p['port'] <= 65535, `service port ${p['name']} ${p['port']}`);
  }
  return problems;
}

const unique = (values: readonly unknown[]) => new Set(values).size === values.length;
const relative = (path: string) => path !== '' && !path.startsWith('/') && !path.split('/').includes('..');

const validate = validator();

/** What the API server would refuse in an object; empty when it would accept it. */
export function k8sProblems(m: Manifest): string[] {
  return validate(m);
}
