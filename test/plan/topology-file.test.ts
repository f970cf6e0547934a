import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTopology } from '../../src/plan/topology-file.js';

const sample = new URL('../../fixtures/topology/nodes.yaml', import.meta.url).pathname;

/** A topology file's diagnostics as `line:col CODE message`. */
function problems(text: string, name = 'nodes.yaml'): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'tychoc-topology-')), name);
  writeFileSync(file, text);
  const { topology, diagnostics } = fileTopology(file);
  expect(topology).toBeUndefined();
  return diagnostics.map((d) => `${d.pos ? `${d.pos.line}:${d.pos.col} ` : ''}${d.code} ${d.message}`);
}

describe('a topology file', () => {
  it('gives each node its free CPU in millicores, memory in bytes, labels and whether it takes new pods', () => {
    const { topology, diagnostics } = fileTopology(sample);
    expect(diagnostics).toEqual([]);
    expect(topology!.source).toBe(sample);
    expect(topology!.nodes.map(({ pos, ...n }) => ({ ...n, line: pos?.line }))).toEqual([
      { name: 'node-a', cpuMillis: 8000, memoryBytes: 32 * 2 ** 30, labels: { 'topology.kubernetes.io/zone': 'zone-1' }, line: 3 },
      { name: 'node-b', cpuMillis: 8000, memoryBytes: 32 * 2 ** 30, labels: { 'topology.kubernetes.io/zone': 'zone-2' }, line: 7 },
      { name: 'node-c', cpuMillis: 3500, memoryBytes: 16 * 2 ** 30, labels: { 'topology.kubernetes.io/zone': 'zone-2' }, line: 11 },
      { name: 'node-d', cpuMillis: 16000, memoryBytes: 64 * 2 ** 30, labels: {}, unschedulable: 'schedulable: false', line: 15 },
    ]);
  });

  it('may be JSON, with CPUs as fractions and memory in bytes or decimal units', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tychoc-topology-')), 'nodes.json');
    writeFileSync(file, '{"nodes": [{"name": "a", "cpu": 1.5, "memory": 1073741824}, {"name": "b", "cpu": "0.25", "memory": "2G"}]}');
    const { topology } = fileTopology(file);
    expect(topology!.nodes.map((n) => [n.cpuMillis, n.memoryBytes])).toEqual([[1500, 2 ** 30], [250, 2e9]]);
  });

  it('is checked against its schema, each problem at the key it is about', () => {
    expect(
      problems(
        [
          'nodes:',
          '  - name: a',
          '    cpus: 4',
          '    memory: 8Gi',
          '  - name: B',
          '    cpu: four',
          '    memory: 8GB',
          '  - name: c',
          '    cpu: -1',
          '    memory: 1.5',
          '    labels: {zone: 1}',
          '    schedulable: no',
          'zones: []',
        ].join('\n'),
      ),
    ).toEqual([
      '2:5 TYC0901 missing required key `cpu` in `nodes[0]`',
      '3:5 TYC0901 unknown key `cpus` in `nodes[0]`, did you mean `cpu`?',
      '5:5 TYC0901 `nodes[1].name` must be a node name (lowercase letters, digits, \'-\' and \'.\'), not string "B"',
      '6:5 TYC0901 `nodes[1].cpu` must be CPUs free for new pods (4, 3.5 or 3500m), not string "four"',
      '7:5 TYC0901 `nodes[1].memory` must be memory free for new pods, in bytes or a quantity (32Gi, 512M), not string "8GB"',
      '9:5 TYC0901 `nodes[2].cpu` must be at least 0, not number -1',
      '10:5 TYC0901 `nodes[2].memory` must be an integer or a string, not number 1.5',
      '11:14 TYC0901 `nodes[2].labels.zone` must be a string, not number 1',
      '12:5 TYC0901 `nodes[2].schedulable` must be a boolean, not string "no"',
      '13:1 TYC0901 unknown key `zones` at the top level, did you mean `nodes`?',
    ]);
  });

  it('lists at least one node, each once', () => {
    expect(problems('nodes: []\n')).toEqual(['1:1 TYC0901 `nodes` must list at least one node']);
    expect(problems('x-size: &size {cpu: 1, memory: 1Gi}\nnodes:\n  - {name: a, <<: *size}\n  - {name: a, <<: *size}\n')).toEqual([
      '4:12 TYC0901 node `a` is listed twice',
    ]);
    expect(problems('{}')).toEqual(['1:1 TYC0901 missing required key `nodes` at the top level']);
  });

  it('that cannot be read or parsed is reported as such', () => {
    expect(problems('nodes: [\n')).toEqual(['1:8 TYC0101 Flow sequence in block collection must be sufficiently indented and end with a ]']);
    const { diagnostics } = fileTopology('/nonexistent/nodes.yaml');
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['TYC0104 cannot read topology file /nonexistent/nodes.yaml: no such file']);
  });
});
