import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/diagnostics.js';
import { loadProject } from '../../../src/frontend/load.js';
import { normalizeProject } from '../../../src/frontend/normalize/index.js';
import type { ServiceSettings } from '../../../src/model/system.js';

/** The `shards` setting of service `a` and the diagnostics as `line:col severity CODE message`. */
function shardsOf(service: string): { shards: ServiceSettings['shards']; messages: string[] } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-shards-')));
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  a:\n    image: x\n${service}`);
  const diagnostics: Diagnostic[] = [];
  const project = loadProject({ files: ['compose.yaml'], cwd: dir, env: { N: '3' }, projectName: 'demo' }, diagnostics);
  const system = normalizeProject(project!, {}, diagnostics);
  const messages = diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.severity} ${d.code} ${d.message}`);
  return { shards: system.services[0]?.settings.shards, messages };
}

describe('x-tycho.shards', () => {
  it('reads every key, a byte size in compose units', () => {
    const { shards, messages } = shardsOf('    x-tycho:\n      shards:\n        count: 4\n        granularity: core\n        cpus_per_shard: 2\n        memory_per_shard: 512M\n');
    expect(messages).toEqual([]);
    expect(shards?.value).toEqual({ count: 4, granularity: 'core', cpusPerShard: 2, memoryPerShardBytes: 512 * 2 ** 20 });
    expect([shards?.pos.line, shards?.pos.col]).toEqual([6, 9]);
  });

  it('counts auto and core shards of 1 CPU unless told, and takes a count from a variable', () => {
    expect(shardsOf('    x-tycho:\n      shards:\n        memory_per_shard: 1g\n').shards?.value).toEqual({ count: 'auto', granularity: 'core', cpusPerShard: 1, memoryPerShardBytes: 2 ** 30 });
    expect(shardsOf('    x-tycho:\n      shards: {count: AUTO, granularity: Node}\n').shards?.value).toEqual({ count: 'auto', granularity: 'node' });
    expect(shardsOf('    x-tycho:\n      shards: {count: "${N}", granularity: node}\n').shards?.value).toEqual({ count: 3, granularity: 'node' });
  });

  it('sizes core shards by the limits where it is silent, a fractional CPU limit aside', () => {
    const limits = (cpus: string) => `    deploy:\n      resources:\n        limits: {cpus: "${cpus}", memory: 2G}\n    x-tycho:\n      shards: {count: 2}\n`;
    expect(shardsOf(limits('2')).shards?.value).toEqual({ count: 2, granularity: 'core', cpusPerShard: 2, memoryPerShardBytes: 2 * 2 ** 30 });
    expect(shardsOf(limits('1.5')).shards?.value).toEqual({ count: 2, granularity: 'core', cpusPerShard: 1, memoryPerShardBytes: 2 * 2 ** 30 });
    expect(shardsOf('    mem_limit: 256m\n    x-tycho:\n      shards: {count: 2}\n').shards?.value.memoryPerShardBytes).toBe(256 * 2 ** 20);
  });

  it('leaves node shards unsized unless told', () => {
    const { shards } = shardsOf('    deploy:\n      resources:\n        limits: {cpus: "2", memory: 2G}\n    x-tycho:\n      shards: {count: 2, granularity: node}\n');
    expect(shards?.value).toEqual({ count: 2, granularity: 'node' });
  });

  it('reports each bad value at it, and drops the setting', () => {
    const { shards, messages } = shardsOf('    x-tycho:\n      shards:\n        count: -1\n        granularity: numa\n        cpus_per_shard: 1.5\n        memory_per_shard: [1g]\n        replicas: 2\n');
    expect(shards).toBeUndefined();
    expect(messages).toEqual([
      '10:9 warning TYC0301 unknown key `replicas` in `x-tycho.shards` of service `a`',
      '6:16 error TYC0303 `x-tycho.shards.count` must be a whole number of shards from 1 to 2147483647, or auto, not -1',
      '7:22 error TYC0303 `x-tycho.shards.granularity` must be node or core, not "numa"',
      '8:25 error TYC0303 `x-tycho.shards.cpus_per_shard` must be a whole number of CPUs from 1 (the static CPU manager pins whole CPUs only), not 1.5',
      '9:27 error TYC0506 `x-tycho.shards.memory_per_shard` must be a size such as 512m or 2g, not a list',
    ]);
  });

  it.each([
    ['{count: true, granularity: node}', 'error TYC0303 `x-tycho.shards.count` must be a whole number of shards from 1 to 2147483647, or auto, not true'],
    ['{count: 2147483648, granularity: node}', 'error TYC0303 `x-tycho.shards.count` must be a whole number of shards from 1 to 2147483647, or auto, not 2147483648'],
    ['{memory_per_shard: 0}', 'error TYC0506 `x-tycho.shards.memory_per_shard` must be a size such as 512m or 2g, not 0'],
    ['{granularity: {node: true}, memory_per_shard: 1g}', 'error TYC0303 `x-tycho.shards.granularity` must be node or core, not a mapping'],
  ])('refuses %s', (block, message) => {
    const { shards, messages } = shardsOf(`    x-tycho:\n      shards: ${block}\n`);
    expect(shards).toBeUndefined();
    expect(messages.map((m) => m.replace(/^\d+:\d+ /, ''))).toEqual([message]);
  });

  it('needs a memory size for core shards, which must be Guaranteed', () => {
    const { shards, messages } = shardsOf('    x-tycho:\n      shards:\n        count: 4\n');
    expect(shards).toBeUndefined();
    expect(messages).toEqual([
      '6:9 error TYC0304 core shards of service `a` need `memory_per_shard` (or `deploy.resources.limits.memory`): a Guaranteed pod, which the static CPU manager pins to whole CPUs, needs a memory limit',
    ]);
  });

  it('wants a mapping', () => {
    const { shards, messages } = shardsOf('    x-tycho:\n      shards: 4\n');
    expect(shards).toBeUndefined();
    expect(messages).toEqual(['5:15 error TYC0303 `x-tycho.shards` must be a mapping such as `{count: 4, granularity: core, memory_per_shard: 512M}`']);
  });
});
