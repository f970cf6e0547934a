import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type CompileOptions } from '../../src/compile.js';
import { k8sProblems } from '../k8s-validity.js';

type Json = Record<string, any>;

/** Compiles a compose text; the diagnostics as `line:col severity CODE message`. */
function build(compose: string, opts: Partial<CompileOptions> = {}) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-shards-')));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  const result = compile({ files: [], cwd: dir, env: {}, projectName: 'demo', ...opts });
  const objects = (result.manifests ?? []) as Json[];
  expect(objects.flatMap((m) => k8sProblems(m as never).map((p) => `${m['kind']} ${m['metadata'].name}: ${p}`))).toEqual([]);
  return { objects, lines: result.diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.severity} ${d.code} ${d.message}`) };
}

const statefulSet = (objects: readonly Json[], name: string) => objects.find((m) => m['kind'] === 'StatefulSet' && m['metadata'].name === name)!;

describe('sharded services', () => {
  it('give core shards\' init containers the shard\'s size too, so that the pod stays Guaranteed', () => {
    const compose = [
      'services:',
      '  worker:',
      '    image: example/worker:1',
      '    user: "1001:100"',
      '    volumes: [homes:/home]',
      '    x-tycho:',
      '      shards: {count: 2, cpus_per_shard: 2, memory_per_shard: 1G}',
      'volumes:',
      '  homes:',
      '    external: true',
      '',
    ].join('\n');
    const home = { claim: 'homes', dirs: ['alice'], shared: [], image: 'busybox:1.36', uid: 1001, gid: 100 };
    const { objects, lines } = build(compose, { home });
    expect(lines).toEqual([]);
    const spec = statefulSet(objects, 'worker')['spec'].template.spec;
    const size = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '2', memory: '1Gi' } };
    expect([...spec.initContainers, ...spec.containers].map((c: Json) => [c['name'], c['resources']])).toEqual([['prepare-home', size], ['worker', size]]);
  });

  it('leave GOMAXPROCS out where a shard has no CPU limit', () => {
    const { objects } = build('services:\n  web:\n    image: nginx\n    x-tycho:\n      shards: {count: 2, granularity: node}\n');
    const container = statefulSet(objects, 'web')['spec'].template.spec.containers[0];
    expect(container.env.map((e: Json) => e['name'])).toEqual(['SHARD_INDEX', 'SHARD_COUNT']);
    expect(container.resources).toBeUndefined();
  });

  it('name the shards\' Service apart from every compose name', () => {
    const { objects, lines } = build('services:\n  web:\n    image: nginx\n    x-tycho:\n      shards: {count: 2, granularity: node}\n  web-shards:\n    image: nginx\n');
    expect(objects).toEqual([]);
    expect(lines).toEqual(['5:15 error TYC0601 service `web-shards` and the shards\' Service of service `web` both become `web-shards` on Kubernetes; rename one']);
  });
});
