import type { Machine } from './machine.js';
import { median, type ProcessRun } from './measure.js';

/** The median of a contender's runs on one input. */
export interface Stat {
  readonly ms: number;
  /** Peak RSS in MiB; absent for in-process timings. */
  readonly rssMiB?: number;
  readonly runs: number;
  /** A run was killed at the time limit, so `ms` is a lower bound. */
  readonly timedOut?: boolean;
}

export function processStat(runs: readonly ProcessRun[]): Stat {
  const timedOut = runs.some((r) => r.timedOut);
  return {
    ms: median(runs.map((r) => r.ms)),
    rssMiB: median(runs.map((r) => r.maxRssKb / 1024)),
    runs: runs.length,
    ...(timedOut ? { timedOut } : {}),
  };
}

export const timingStat = (samples: readonly { ms: number }[]): Stat => ({ ms: median(samples.map((s) => s.ms)), runs: samples.length });

/** One generated input: cold CLI runs of both tools, and tychoc in-process next to the yaml floor. */
export interface InputResult {
  readonly services: number;
  readonly tychoc: Stat;
  readonly kompose?: Stat;
  readonly inProcess: Stat;
  readonly floor: Stat;
}

/** A hostile input (bench/hostile.ts): both tools' cold CLI runs and how each ended. */
export interface HostileRow {
  readonly input: string;
  readonly bytes: number;
  readonly tychoc: Stat & { readonly exit: number | null };
  readonly kompose?: Stat & { readonly exit: number | null };
}

export interface StartupRow {
  readonly what: string;
  /** Keyed by runtime and entry, e.g. "Node 22 · bundle + code cache", "Node 20 · dist/". */
  readonly byRuntime: Readonly<Record<string, Stat>>;
  /** Kompose on the same input, in the same alternation (compile rows only). */
  readonly kompose?: Stat;
}

/** `tychoc compile --each` over many projects in one process, next to one Kompose process per project. */
export interface BatchResult {
  readonly projects: number;
  readonly servicesEach: number;
  /** Wall time of the whole run divided by the projects, keyed as StartupRow's. */
  readonly perProject: Readonly<Record<string, Stat>>;
  /** One Kompose process per project: the median process. */
  readonly kompose?: Stat;
}

/** What loading each part of the compiler costs in a fresh process (ms, medians), in load order. */
export interface LoadCostRow {
  readonly what: string;
  readonly ms: number;
}

export interface CorpusResult {
  readonly files: number;
  /** Files tychoc compiles without errors; the throughput figures are over these. */
  readonly compiled: number;
  readonly inProcessFilesPerS: number;
  readonly floorFilesPerS: number;
  /** Cold CLI runs over the files both tools compile. */
  readonly cli?: {
    readonly common: number;
    readonly komposeFailed: number;
    readonly tychocFilesPerS: number;
    readonly komposeFilesPerS: number;
    /** Geometric mean over the files of tychoc's time / Kompose's. */
    readonly geomeanRatio: number;
  };
}

/** Launching and tearing down systems on the harness cluster, tychoc next to kubectl. */
export interface ExecutorResult {
  readonly services: number;
  /** The cluster's version, e.g. v1.33.13. */
  readonly kubernetes: string;
  /** Until the API server has accepted every object: tychoc up, tychoc apply, kubectl apply --server-side. */
  readonly up: Readonly<Record<string, Stat>>;
  /** Until every object is gone: tychoc down --volumes (pods too), kubectl delete -f (pods may remain), and with --cascade=foreground (pods too). */
  readonly down: Readonly<Record<string, Stat>>;
  /** Until every Deployment is available: tychoc up --wait, kubectl apply then kubectl wait. */
  readonly ready: Readonly<Record<string, Stat>>;
  readonly concurrency: number;
  readonly systems: number;
  /** `systems` launches, `concurrency` at a time, per contender. */
  readonly systemsPerMinute: Readonly<Record<string, number>>;
}

/** Requests of one kind, many at once: how fast they were answered, and how many went wrong. */
export interface LoadStat {
  readonly requests: number;
  /** Requests (or processes) in flight at once. */
  readonly concurrency: number;
  readonly perS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than the one expected, connection errors, timeouts; failed processes. */
  readonly errors: number;
}

/** `tychoc serve` under load on the harness cluster, next to the same operations as cold CLI processes. */
export interface ServeResult {
  readonly kubernetes: string;
  readonly nodes: number;
  /** Services of the compose file every system is started from. */
  readonly services: number;
  /** Systems present while status is measured. */
  readonly present: number;
  readonly server: {
    /** GET /systems and POST /system/status for a fixed time. */
    readonly status: LoadStat;
    /** POST /systems, each answered 201. */
    readonly start: LoadStat;
    /** DELETE /systems/:sid of every system started. */
    readonly delete: LoadStat;
    /** Start, status and delete in turn, by each of two users at once (keyed by user). */
    readonly mixed: Readonly<Record<string, LoadStat>>;
    readonly peakRssMiB: number;
  };
  /** The same operations as cold processes: tychoc status, up, down. */
  readonly cli: { readonly status: LoadStat; readonly start: LoadStat; readonly delete: LoadStat };
  /** Objects of the systems (or left in their namespaces) once every system was deleted, per side. */
  readonly leaked: { readonly server: number; readonly cli: number };
  /** Systems GET /systems listed (as an admin) after the server's deletes. */
  readonly listedAfter: number;
}

export interface Results {
  readonly date: string;
  readonly machine: Machine & { readonly node: readonly string[]; readonly kompose?: string };
  readonly settings: { readonly runs: number; readonly budgetS: number; readonly timeoutS: number; readonly corpusPasses: number; readonly parts: readonly string[] };
  /** Contenders left out, and why. */
  readonly skipped: readonly string[];
  readonly latency: readonly (InputResult & { readonly input: string })[];
  readonly startup: readonly StartupRow[];
  readonly batch: readonly BatchResult[];
  readonly loadCosts: readonly LoadCostRow[];
  readonly corpus?: CorpusResult;
  readonly scaling: readonly InputResult[];
  readonly hostile: readonly HostileRow[];
  readonly executor?: ExecutorResult;
  readonly serve?: ServeResult;
  /** Fitted growth exponents over the scaling sizes (1 = linear). */
  readonly exponents: Readonly<Record<string, number>>;
}
