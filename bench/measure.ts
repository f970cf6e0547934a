import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One timed child process. */
export interface ProcessRun {
  readonly ms: number;
  /** Peak resident set size of the child, from GNU time. */
  readonly maxRssKb: number;
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to start one process: the tools differ only in this. */
export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

const scratch = mkdtempSync(join(tmpdir(), 'tychoc-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let timeFiles = 0;

/**
 * The command line that runs `inv` under /usr/bin/time, which reports the child's own peak RSS
 * (Node's resourceUsage() only has this process's) into a file of its own. Its few hundred
 * microseconds of overhead are the same for every tool.
 */
function underTime(inv: Invocation): { args: string[]; timeFile: string } {
  const timeFile = join(scratch, `time-${timeFiles++}`);
  return { args: ['-f', '%M', '-o', timeFile, inv.command, ...inv.args], timeFile };
}

/** Peak RSS from GNU time's file, which starts with "Command exited with non-zero status N" when the child failed. */
const peakRssKb = (timeFile: string, timedOut: boolean): number =>
  timedOut ? NaN : Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));

/** Runs a process to its end; wall time is measured here, with a monotonic clock. */
export function runProcess(inv: Invocation, timeoutMs: number): ProcessRun {
  const { args, timeFile } = underTime(inv);
  const start = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', args, {
    cwd: inv.cwd,
    env: inv.env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.error && (res.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw res.error;
  const timedOut = res.signal === 'SIGKILL';
  return { ms, maxRssKb: peakRssKb(timeFile, timedOut), status: res.status, timedOut, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** runProcess without blocking this process's event loop, for runs side by side and for in-process servers that must keep serving. */
export function runProcessAsync(inv: Invocation, timeoutMs: number): Promise<ProcessRun> {
  const { args, timeFile } = underTime(inv);
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/time', args, { cwd: inv.cwd, env: inv.env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
      if (failure && typeof failure.code === 'string') return reject(failure);
      const timedOut = failure?.signal === 'SIGKILL';
      const status = failure ? (typeof failure.code === 'number' ? failure.code : null) : 0;
      resolve({ ms, maxRssKb: peakRssKb(timeFile, timedOut), status, timedOut, stdout, stderr });
    });
  });
}

/** Milliseconds one call of `fn` takes (in this process, so warm). */
export function timeCall(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** How many runs to make of each contender. */
export interface RunPlan {
  readonly runs: number;
  /** A contender is not run again once its runs on this input took this long in total. */
  readonly budgetMs: number;
}

/**
 * Runs each contender up to `plan.runs` times, interleaved (A B, B A, A B, …) so that drifts in
 * machine load hit them alike, and stops repeating a slow one once it has used its budget.
 * Returns each contender's samples, in the contenders' order.
 */
export function alternate<T extends { ms: number }>(contenders: readonly (() => T)[], plan: RunPlan): T[][] {
  const samples = contenders.map((): T[] => []);
  const spent = contenders.map(() => 0);
  for (let i = 0; i < plan.runs; i++) {
    const order = contenders.map((_, j) => j);
    if (i % 2) order.reverse();
    for (const j of order) {
      if (i > 0 && spent[j]! >= plan.budgetMs) continue;
      const s = contenders[j]!();
      samples[j]!.push(s);
      spent[j]! += s.ms;
    }
  }
  return samples;
}
