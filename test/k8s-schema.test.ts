import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../src/emit/chart.js';
import { corpusDir } from './corpus-files.js';
import { corpusObjects, fixtureObjects, type EmittedObjects } from './emitted-objects.js';
import { k8sProblems as validate } from './k8s-validity.js';

/** Every object of every golden fixture and of the compiled corpus (with network policies on) must be valid Kubernetes 1.33. */

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
    const pod = structuredClone(deployment);
    const container = pod['spec'].template.spec.containers[0];
    container.env = [{ name: '', value: 'x' }, { name: 'A=B', value: 'y' }];
    container.volumeMounts = [{ name: 'nope', mountPath: '/data' }, { name: 'nope', mountPath: '/data', subPath: '../up' }];
    container.livenessProbe = { exec: { command: ['true'] }, periodSeconds: 0 };
    pod['spec'].replicas = 2 ** 31;
    expect(validate(pod as Manifest)).toEqual([
      '/spec/replicas must match format "int32"',
      '/spec/template/spec/containers/0/volumeMounts must pass "x-kubernetes-list-map-keys" keyword validation',
      'env name ""',
      'env name "A=B"',
      'mountPaths are not unique',
      'mount of missing volume nope',
      'mount of missing volume nope',
      'subPath ../up',
      'probe periodSeconds 0',
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
