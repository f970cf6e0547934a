import type { SourcePos } from '../diagnostics.js';

/** The nodes shards may go to, with what each can still take: the input of the planner. */
export interface Topology {
  /** Where it was read from: a file's path, `cluster`, or `local`. */
  readonly source: string;
  readonly nodes: readonly TopologyNode[];
}

export interface TopologyNode {
  readonly name: string;
  /** CPU free for new pods, in millicores: a cluster node's allocatable less what pods bound to it request. */
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Why no new pod may go there (cordoned, a NoSchedule taint, `schedulable: false`); absent when one may. */
  readonly unschedulable?: string;
  /** How the CPUs are laid out, where it is known (the local machine). */
  readonly cpuLayout?: CpuLayout;
  /** Where a topology file defines it. */
  readonly pos?: SourcePos;
}

/** The machine's CPUs as the kernel lays them out. */
export interface CpuLayout {
  /** Physical cores: the package (socket) and core id, and the online logical CPUs (SMT threads) on it. */
  readonly cores: readonly { readonly package: number; readonly core: number; readonly cpus: readonly number[] }[];
  /** NUMA nodes with their online CPUs and memory; empty when the kernel shows none. */
  readonly numa: readonly { readonly id: number; readonly cpus: readonly number[]; readonly memoryBytes?: number }[];
}

/** The nodes a new pod may go to. */
export function schedulableNodes(topology: Topology): TopologyNode[] {
  return topology.nodes.filter((n) => n.unschedulable === undefined);
}
