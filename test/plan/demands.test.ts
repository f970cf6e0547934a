import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { planShards, type Topology } from '../../src/plan/index.js';

/** The system of a compose file, as `tychoc plan` compiles it (auto counts left to the plan). */
function system(compose: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-demands-'));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  return compile({ files: ['compose.yaml'], cwd: dir, env: {} }).system!;
}

const GI = 2 ** 30;
const topology: Topology = {
  source: 'test',
  nodes: [
    { name: 'arm', cpuMillis: 8000, memoryBytes: 32 * GI, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64' } },
    { name: 'x86', cpuMillis: 8000, memoryBytes: 32 * GI, labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
  ],
};

describe('what the shards of a compiled service need', () => {
  it('is the size x-tycho.shards gives, else what the container asks for: its reservation, else its limit', () => {
    const { plan, diagnostics } = planShards(system(`
services:
  sized:
    image: a
    x-tycho: {shards: {count: 1, granularity: node, cpus_per_shard: 2, memory_per_shard: 1g}}
  reserved:
    image: a
    deploy: {resources: {reservations: {cpus: "0.25", memory: 256m}, limits: {cpus: "1", memory: 1g}}}
    x-tycho: {shards: {count: 1, granularity: node}}
  limited:
    image: a
    deploy: {resources: {limits: {cpus: "0.5", memory: 512m}}}
    x-tycho: {shards: {count: 1, granularity: node}}
  core:
    image: a
    deploy: {resources: {limits: {cpus: "3", memory: 2g}}}
    x-tycho: {shards: {count: 1}}
  bare:
    image: a
    x-tycho: {shards: {count: 1, granularity: node}}
`), topology);
    expect(diagnostics).toEqual([]);
    expect(plan.shards.map((s) => [s.service, s.cpuMillis, s.memoryBytes / 2 ** 20])).toEqual([
      ['bare', 0, 0],
      ['core', 3000, 2048],
      ['limited', 500, 512],
      ['reserved', 250, 256],
      ['sized', 2000, 1024],
    ]);
  });

  it('goes only to nodes of the platform the service asks for, and a problem is reported at x-tycho.shards', () => {
    const { plan, diagnostics } = planShards(system(`
services:
  web:
    image: a
    platform: linux/arm64
    x-tycho:
      shards: {count: 2, granularity: node}
`), topology);
    expect(plan.shards).toEqual([]);
    expect(diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.code} ${d.message}`)).toEqual([
      '7:15 TYC0902 service `web` asks for 2 shards, one per node, but only 1 node fits one',
    ]);
  });
});
