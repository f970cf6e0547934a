import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzCase, LARGE, type FuzzCase } from './cases.js';
import { checkCase, type Violation } from './properties.js';

/**
 * What main.ts asks of one worker: the inputs `first`, `first + stride`, … below `end`, or the
 * given `indices`. With `deferLarge`, a large input is handed back instead of checked: large
 * inputs are timed at the end, one at a time, with no other compile sharing the machine.
 */
export interface WorkerTask {
  readonly seed: number;
  readonly first: number;
  readonly stride: number;
  readonly end: number;
  readonly indices?: readonly number[];
  readonly deferLarge: boolean;
  readonly large: boolean;
}

export type WorkerMessage =
  | { readonly type: 'start'; readonly index: number }
  | { readonly type: 'deferred'; readonly index: number }
  | { readonly type: 'failed'; readonly index: number; readonly case: FuzzCase; readonly violations: readonly Violation[] }
  | { readonly type: 'progress'; readonly done: number; readonly compiled: number; readonly bytes: number; readonly ms: number; readonly codes: Record<string, number> };

/** Input `index` of a run: the same case for the same seed and index, whichever worker draws it. */
export function caseAt(seed: number, index: number, large: boolean): FuzzCase {
  return fc.sample(fuzzCase({ large }), { seed: (Math.imul(seed, 0x9e3779b1) ^ index) >>> 0, numRuns: 1 })[0]!;
}

const BATCH = 50;

function* range(first: number, end: number, stride: number): Generator<number> {
  for (let i = first; i < end; i += stride) yield i;
}

function run(task: WorkerTask, post: (m: WorkerMessage) => void): void {
  const base = mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-fuzz-'));
  const dir = join(base, 'case');
  let stats = { done: 0, compiled: 0, bytes: 0, ms: 0, codes: {} as Record<string, number> };
  try {
    for (const i of task.indices ?? range(task.first, task.end, task.stride)) {
      post({ type: 'start', index: i });
      const c = caseAt(task.seed, i, task.large);
      if (task.deferLarge && c.origin === LARGE) {
        post({ type: 'deferred', index: i });
        continue;
      }
      const checked = checkCase(c, dir);
      if (checked.violations.length > 0) post({ type: 'failed', index: i, case: c, violations: checked.violations });
      stats.done++;
      stats.bytes += checked.bytes;
      stats.ms += checked.ms;
      if (checked.compiled) stats.compiled++;
      else if (checked.firstError) stats.codes[checked.firstError] = (stats.codes[checked.firstError] ?? 0) + 1;
      if (stats.done === BATCH) {
        post({ type: 'progress', ...stats });
        stats = { done: 0, compiled: 0, bytes: 0, ms: 0, codes: {} };
      }
    }
    post({ type: 'progress', ...stats });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (parentPort) run(workerData as WorkerTask, (m) => parentPort!.postMessage(m));
