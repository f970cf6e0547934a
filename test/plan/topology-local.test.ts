import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuList, localTopology } from '../../src/plan/topology-local.js';

/** A fake root holding the given files. */
function root(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-sys-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** 2 packages × 2 cores × 2 SMT threads, numbered as Linux does (siblings 4 apart), CPU 7 offline. */
function twoSockets(): Record<string, string> {
  const files: Record<string, string> = {
    'sys/devices/system/cpu/online': '0-6\n',
    'sys/devices/system/node/online': '0-1\n',
    'sys/devices/system/node/node0/cpulist': '0-1,4-5\n',
    'sys/devices/system/node/node0/meminfo': 'Node 0 MemTotal:       8388608 kB\nNode 0 MemFree:        1024 kB\n',
    'sys/devices/system/node/node1/cpulist': '2-3,6-7\n',
    'sys/devices/system/node/node1/meminfo': 'Node 1 MemTotal:       8388608 kB\n',
    'proc/meminfo': 'MemTotal:       16777216 kB\nMemFree:         1048576 kB\nMemAvailable:   12582912 kB\n',
    'proc/sys/kernel/hostname': 'workstation\n',
  };
  for (let cpu = 0; cpu < 8; cpu++) {
    files[`sys/devices/system/cpu/cpu${cpu}/topology/core_id`] = `${cpu % 2}\n`;
    files[`sys/devices/system/cpu/cpu${cpu}/topology/physical_package_id`] = `${Math.floor(cpu / 2) % 2}\n`;
  }
  return files;
}

describe('the local machine', () => {
  it('is one node: its online CPUs, the memory available now, its cores and NUMA nodes', () => {
    const { topology, diagnostics } = localTopology(root(twoSockets()));
    expect(diagnostics).toEqual([]);
    expect(topology).toEqual({
      source: 'local',
      nodes: [{
        name: 'workstation',
        cpuMillis: 7000,
        memoryBytes: 12 * 2 ** 30,
        labels: { 'kubernetes.io/hostname': 'workstation', 'kubernetes.io/os': 'linux' },
        cpuLayout: {
          cores: [
            { package: 0, core: 0, cpus: [0, 4] },
            { package: 0, core: 1, cpus: [1, 5] },
            { package: 1, core: 0, cpus: [2, 6] },
            { package: 1, core: 1, cpus: [3] },
          ],
          numa: [
            { id: 0, cpus: [0, 1, 4, 5], memoryBytes: 8 * 2 ** 30 },
            { id: 1, cpus: [2, 3, 6], memoryBytes: 8 * 2 ** 30 },
          ],
        },
      }],
    });
  });

  it('without topology or NUMA files (a container), each CPU is a core, and memory is the total when nothing says what is available', () => {
    const { topology } = localTopology(root({ 'sys/devices/system/cpu/online': '0,2-3', 'proc/meminfo': 'MemTotal: 1024 kB\n', 'proc/sys/kernel/hostname': 'box' }));
    expect(topology!.nodes[0]).toMatchObject({
      name: 'box',
      cpuMillis: 3000,
      memoryBytes: 1024 * 1024,
      cpuLayout: { cores: [{ package: 0, core: 0, cpus: [0] }, { package: 0, core: 2, cpus: [2] }, { package: 0, core: 3, cpus: [3] }], numa: [] },
    });
  });

  it('that is not Linux is reported', () => {
    const dir = root({ 'proc/meminfo': 'MemTotal: 1024 kB\n' });
    const { topology, diagnostics } = localTopology(dir);
    expect(topology).toBeUndefined();
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([`TYC0104 cannot read the list of online CPUs ${dir}/sys/devices/system/cpu/online: no such file`]);
  });

  it('reads kernel CPU lists', () => {
    expect(cpuList('0-3,8-11\n')).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(cpuList('5')).toEqual([5]);
    expect(cpuList('\n')).toEqual([]);
  });
});
