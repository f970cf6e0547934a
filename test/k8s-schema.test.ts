import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../src/emit/chart.js';
import { corpusDir } from './corpus-files.js';
import { corpusObjects, fixtureObjects, type EmittedObjects } from './emitted-objects.js';

/**
 * Every object of every golden fixture and of the compiled corpus (with network policies on)
 * must be valid Kubernetes 1.33: its OpenAPI schema (schemas/kubernetes-1.33.json, see
 * schemas/README.md), read strictly as the apiserver's strict field validation does, plus the
 * apiserver's name and label rules that the schema does not carry.
 */
const vendored = JSON.parse(readFileSync(new URL('../schemas/kubernetes-1.33.json', import.meta.url), 'utf8')) as { definitions: Record<string, Schema> };
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
const DATA_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

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
    for (const c of template.spec.containers as Json[]) {
      check(DNS_LABEL.test(c['name']), `container name ${c['name']}`);
      for (const p of (c['ports'] ?? []) as Json[]) check(p['name'] === undefined || IANA_SVC_NAME.test(p['name']), `port name ${p['name']}`);
    }
    for (const v of (template.spec.volumes ?? []) as Json[]) check(DNS_LABEL.test(v['name']), `volume name ${v['name']}`);
  }
  if (m.kind === 'Service') for (const p of (spec.ports ?? []) as Json[]) check(DNS_LABEL.test(p['name']), `service port name ${p['name']}`);
  return problems;
}

const validate = validator();

function invalid(runs: readonly EmittedObjects[]): string[] {
  return runs.flatMap((r) => r.manifests.flatMap((m) => validate(m).map((p) => `${r.name}: ${m.kind} ${m.metadata.name}: ${p}`)));
}

describe('emitted objects are valid Kubernetes 1.33', () => {
  it('in every golden fixture', () => {
    const runs = fixtureObjects();
    expect(runs.flatMap((r) => r.manifests).length).toBeGreaterThan(50);
    expect(invalid(runs)).toEqual([]);
  });

  const haveCorpus = existsSync(corpusDir);
  it.skipIf(!haveCorpus)(haveCorpus ? 'in the compiled corpus, with network policies' : `in the compiled corpus (SKIPPED: ${corpusDir} not found)`, () => {
    const corpus = corpusObjects({ networks: { policies: true } });
    expect(corpus.flatMap((r) => r.manifests).filter((m) => m.kind === 'NetworkPolicy').length).toBeGreaterThan(100);
    expect(invalid(corpus)).toEqual([]);
  });

  it('and the checks catch what the apiserver refuses', () => {
    const deployment = fixtureObjects().find((r) => r.name === 'web-and-database')!.manifests.find((m) => m.kind === 'Deployment')! as Json;
    const broken = structuredClone(deployment);
    broken['spec'].replicas = 'two';
    broken['spec'].template.spec.containers[0].imagePullPolicy = undefined;
    broken['spec'].template.spec.containers[0].iamge = 'typo';
    broken['spec'].template.spec.containers.push({ ...broken['spec'].template.spec.containers[0], iamge: undefined, ports: undefined });
    broken['spec'].template.spec.containers[0].ports[0].protocol = 'TCPX';
    broken['metadata'].labels['bad key!'] = 'x';
    expect(validate(JSON.parse(JSON.stringify(broken)))).toEqual([
      '/spec/replicas must be integer',
      '/spec/template/spec/containers/0 must NOT have additional properties (iamge)',
      '/spec/template/spec/containers/0/ports/0/protocol must be equal to one of the allowed values',
      '/spec/template/spec/containers must pass "x-kubernetes-list-map-keys" keyword validation',
      'label bad key!=x',
    ]);
    const route = structuredClone(fixtureObjects().find((r) => r.name === 'proxy-httproute')!.manifests.find((m) => m.kind === 'HTTPRoute')!) as Json;
    route['spec'].rules[0].filters[0].type = 'Rewrite';
    expect(validate(route as Manifest)).toEqual(['/spec/rules/0/filters/0/type must be equal to one of the allowed values']);
  });
});

describe('Ambassador mappings', () => {
  it('are YAML Mappings naming a prefix and a service, in every fixture', () => {
    const mappings = fixtureObjects().flatMap((r) => r.manifests).flatMap((m) => {
      const text = (m.metadata as Json)['annotations']?.['getambassador.io/config'] as string | undefined;
      return text === undefined ? [] : parseAllDocuments(text).map((d) => d.toJS() as Json);
    });
    expect(mappings.length).toBeGreaterThan(0);
    for (const m of mappings) {
      expect(m).toMatchObject({ apiVersion: expect.stringMatching(/^getambassador\.io\//), kind: 'Mapping', name: expect.any(String), prefix: expect.stringMatching(/^\/.*\/$/) });
      expect(m['service']).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)?:\d+$/);
    }
  });
});
