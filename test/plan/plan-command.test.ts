import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

const sample = new URL('../../fixtures/topology/', import.meta.url).pathname;

/** A directory holding the given files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-plan-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const NODES = 'nodes:\n  - {name: a, cpu: 4, memory: 8Gi}\n  - {name: b, cpu: 2, memory: 8Gi}\n';

describe('tychoc plan', () => {
  it('prints each shard and its node, then what each node has used and left, and the nodes left out', async () => {
    const run = await runCli(['plan', '--topology', 'nodes.yaml'], sample);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'SERVICE   SHARD  NODE    CPUS  MEMORY',
        'frontend  0      node-a  0.5   512Mi',
        'frontend  1      node-b  0.5   512Mi',
        'index     0      node-c  2     4Gi',
        'index     1      node-a  2     4Gi',
        'index     2      node-b  2     4Gi',
        'index     3      node-a  2     4Gi',
        'index     4      node-b  2     4Gi',
        'index     5      node-a  2     4Gi',
        'index     6      node-b  2     4Gi',
        '',
        'NODE    SHARDS  CPUS USED  CPUS LEFT  MEMORY USED     MEMORY LEFT',
        'node-a  4       6.5 of 8   1.5        12.5Gi of 32Gi  19.5Gi',
        'node-b  4       6.5 of 8   1.5        12.5Gi of 32Gi  19.5Gi',
        'node-c  1       2 of 3.5   1.5        4Gi of 16Gi     12Gi',
        '',
        'skipped: node-d (schedulable: false)',
        '',
      ].join('\n'),
    );
  });

  it('prints the plan and its topology as JSON, in millicores and bytes', async () => {
    const run = await runCli(['plan', 'compose.yaml', '--topology', 'nodes.yaml', '-o', 'json'], sample);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.shards[0]).toEqual({ service: 'frontend', index: 0, node: 'node-a', cpuMillis: 500, memoryBytes: 512 * 2 ** 20 });
    expect(plan.shards).toHaveLength(9);
    expect(plan.nodes[2]).toEqual({ node: 'node-c', shards: 1, cpuMillis: { free: 3500, used: 2000, left: 1500 }, memoryBytes: { free: 16 * 2 ** 30, used: 4 * 2 ** 30, left: 12 * 2 ** 30 } });
    expect(plan.skipped).toEqual([{ node: 'node-d', reason: 'schedulable: false' }]);
    expect(plan.topology.source).toBe(join(sample, 'nodes.yaml'));
    expect(plan.topology.nodes[3]).toEqual({ name: 'node-d', cpuMillis: 16000, memoryBytes: 64 * 2 ** 30, labels: {}, unschedulable: 'schedulable: false' });
  });

  it('fails with the reason when the shards do not fit, at the setting', async () => {
    const dir = project({
      'nodes.yaml': NODES,
      'compose.yaml': 'services:\n  db:\n    image: db\n    x-tycho:\n      shards: {count: 4, granularity: core, cpus_per_shard: 2, memory_per_shard: 1g}\n',
    });
    const run = await runCli(['plan', '--topology', 'nodes.yaml'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'compose.yaml:5:15 error TYC0902 service `db` asks for 4 shards of 2 CPUs, 8 CPUs in all, but the nodes have 6 whole CPUs free',
        '  5 |       shards: {count: 4, granularity: core, cpus_per_shard: 2, memory_per_shard: 1g}',
        '    |               ^',
        '',
      ].join('\n'),
    );
  });

  it('reports an auto count the plan cannot decide as the plan\'s failure alone', async () => {
    const dir = project({
      'nodes.yaml': NODES,
      'compose.yaml': 'services:\n  db:\n    image: db\n    x-tycho:\n      shards: {cpus_per_shard: 8, memory_per_shard: 1g}\n',
    });
    const run = await runCli(['plan', '--topology', 'nodes.yaml', '--quiet'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe('compose.yaml:5:15 error TYC0902 service `db`: a shard needs 8 CPUs, more than any node has (at most 4 whole CPUs, on `a`)');
    expect(run.stderr).not.toContain('TYC0708');
  });

  it('reports what else is wrong with the project, not that the plan decides the counts', async () => {
    const dir = project({
      'nodes.yaml': NODES,
      'compose.yaml': 'services:\n  db:\n    image: db\n    ports: ["5432:5432"]\n    x-tycho:\n      shards: {granularity: node}\n',
    });
    const run = await runCli(['plan', '--topology', 'nodes.yaml', '--quiet'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^compose\.yaml:4:\d+ error TYC0707 service `db` publishes port 5432 on the fixed host port 5432, which its 2 shards cannot share/);
    expect(run.stderr).not.toContain('TYC0708');
  });

  it('fails on a topology file that is not valid, at its keys', async () => {
    const dir = project({ 'nodes.yaml': 'nodes:\n  - {name: a, cpu: 4}\n', 'compose.yaml': 'services:\n  db:\n    image: db\n' });
    const run = await runCli(['plan', '--topology', 'nodes.yaml'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('nodes.yaml:2:5 error TYC0901 missing required key `memory` in `nodes[0]`\n  2 |   - {name: a, cpu: 4}\n    |     ^\n');
  });

  it('says so when no service has shards, and shows the nodes', async () => {
    const dir = project({ 'nodes.yaml': NODES, 'compose.yaml': 'services:\n  db:\n    image: db\n' });
    const run = await runCli(['plan', '--topology', 'nodes.yaml'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('tychoc: no service has shards (x-tycho.shards): there is nothing to lay out\n');
    expect(run.stdout).toBe('NODE  SHARDS  CPUS USED  CPUS LEFT  MEMORY USED  MEMORY LEFT\na     0       0 of 4     4          0 of 8Gi     8Gi\nb     0       0 of 2     2          0 of 8Gi     8Gi\n');
  });

  it('plans on this machine with --local, and shows its CPU layout', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  db:\n    image: db\n    x-tycho:\n      shards: {count: 1, memory_per_shard: 1m}\n' });
    const run = await runCli(['plan', '--local'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SERVICE {2}SHARD {2}NODE +CPUS {2}MEMORY\ndb {7}0 {6}\S+ +1 {5}1Mi\n/);
    expect(run.stdout).toMatch(/\n\S+: \d+ CPUs on \d+ cores in \d+ packages?, \d+ NUMA nodes?\n$/);
  });

  it('needs exactly one source of nodes', async () => {
    const none = await runCli(['plan'], sample);
    expect(none).toEqual({ code: 2, stdout: '', stderr: 'tychoc: plan needs nodes to plan on: --topology FILE, --cluster or --local\n' });
    const two = await runCli(['plan', '--cluster', '--local'], sample);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^error: option '--cluster' cannot be used with option '--local'/);
  });
});
