import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { readText } from '../frontend/read.js';
import type { CpuLayout, Topology } from './topology.js';

/**
 * This machine as a one-node topology, read from Linux's /sys and /proc under `root`: its online
 * CPUs, their cores and NUMA nodes, and the memory available now (what a new process could take,
 * as the cluster's topology counts what new pods could take).
 */
export function localTopology(root = '/'): { topology?: Topology; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const online = readText(join(root, 'sys/devices/system/cpu/online'), diagnostics, undefined, 'the list of online CPUs');
  const meminfo = readText(join(root, 'proc/meminfo'), diagnostics, undefined, 'the memory figures');
  if (online === undefined || meminfo === undefined) return { diagnostics };
  const cpus = cpuList(online);
  const memoryBytes = meminfoBytes(meminfo, 'MemAvailable') ?? meminfoBytes(meminfo, 'MemTotal') ?? 0;
  const name = optional(root, 'proc/sys/kernel/hostname')?.trim() || hostname();
  const topology: Topology = {
    source: 'local',
    nodes: [{ name, cpuMillis: cpus.length * 1000, memoryBytes, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' }, cpuLayout: cpuLayout(root, cpus) }],
  };
  return { topology, diagnostics };
}

function cpuLayout(root: string, cpus: readonly number[]): CpuLayout {
  const cores = new Map<string, { package: number; core: number; cpus: number[] }>();
  for (const cpu of cpus) {
    const dir = `sys/devices/system/cpu/cpu${cpu}/topology`;
    // Without topology files (some containers), each CPU counts as a core of its own.
    const core = Number(optional(root, `${dir}/core_id`) ?? cpu);
    const pkg = Number(optional(root, `${dir}/physical_package_id`) ?? 0);
    const key = `${pkg}:${core}`;
    if (!cores.has(key)) cores.set(key, { package: pkg, core, cpus: [] });
    cores.get(key)!.cpus.push(cpu);
  }
  const online = new Set(cpus);
  const numa = cpuList(optional(root, 'sys/devices/system/node/online') ?? '').map((id) => {
    const dir = `sys/devices/system/node/node${id}`;
    const memory = meminfoBytes(optional(root, `${dir}/meminfo`) ?? '', 'MemTotal');
    return { id, cpus: cpuList(optional(root, `${dir}/cpulist`) ?? '').filter((c) => online.has(c)), ...(memory !== undefined ? { memoryBytes: memory } : {}) };
  });
  return { cores: [...cores.values()].sort((a, b) => a.package - b.package || a.core - b.core), numa };
}

/** A file's text, or undefined where the kernel does not have it. */
function optional(root: string, path: string): string | undefined {
  const file = join(root, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The CPUs of a kernel CPU list (`0-3,8-11`). */
export function cpuList(text: string): number[] {
  return text
    .trim()
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number) as [number, number?];
      return Array.from({ length: to! - from + 1 }, (_, i) => from + i);
    });
}

/** A `/proc/meminfo` field in bytes (`MemTotal:  16384 kB`, or `Node 0 MemTotal: …` of a NUMA node). */
function meminfoBytes(text: string, field: string): number | undefined {
  const m = new RegExp(`^(?:Node \\d+ )?${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
