import autocannon from 'autocannon';
import { runProcessAsync, type Invocation, type ProcessRun } from './measure.js';
import type { LoadStat } from './results.js';

/** Longer than any start or delete may take: autocannon resends a request it timed out, which would start a system twice. */
const REQUEST_TIMEOUT_S = 300;

/** What went wrong in a load, for the error that fails the bench. */
export class Failures {
  readonly seen: string[] = [];

  /**
   * An onResponse that records every answer other than `status`, and those `check` refuses (it
   * gets the parsed body, and may keep what it needs from it).
   */
  expect(status: number, check?: (body: any) => string | undefined): (status: number, body: string) => void {
    return (got, body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const wrong = got !== status ? `${got} instead of ${status}` : check?.(parsed);
      if (wrong) this.seen.push(`${wrong}: ${body.slice(0, 300)}`);
    };
  }
}

/** `p` (0–100) percentile, nearest rank. */
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/**
 * Runs autocannon against `url` to its end (its `amount` or `duration`). Errors are what
 * `failures` recorded plus connection errors and timeouts; requests/s is over the wall time.
 */
export async function cannon(url: string, opts: Omit<autocannon.Options, 'url'>, failures: Failures): Promise<LoadStat> {
  const before = failures.seen.length;
  const start = process.hrtime.bigint();
  const r = await autocannon({ url, timeout: REQUEST_TIMEOUT_S, ...opts });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  return {
    requests: answered,
    concurrency: r.connections,
    perS: answered / seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: failures.seen.length - before + r.errors + r.timeouts,
  };
}

/** Runs cold processes, `concurrency` at a time; one that fails is an error, its stderr in `failures`. */
export async function processLoad(invocations: readonly Invocation[], concurrency: number, timeoutMs: number, failures: Failures): Promise<{ stat: LoadStat; runs: ProcessRun[] }> {
  const runs: ProcessRun[] = [];
  const queue = [...invocations.keys()];
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const run = await runProcessAsync(invocations[i]!, timeoutMs);
      if (run.status !== 0) failures.seen.push(`tychoc ${invocations[i]!.args.slice(1).join(' ')} exited ${run.timedOut ? 'at the time limit' : run.status}: ${run.stderr.slice(0, 300)}`);
      runs[i] = run;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ms = runs.map((r) => r.ms);
  return {
    stat: { requests: runs.length, concurrency, perS: runs.length / seconds, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99), errors: runs.filter((r) => r.status !== 0).length },
    runs,
  };
}
