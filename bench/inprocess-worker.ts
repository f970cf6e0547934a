import type { Manifest } from '../src/emit/chart.js';
import { compileFile, yamlFloor } from './inprocess.js';
import { alternate, timeCall, type RunPlan } from './measure.js';

/**
 * Times tychoc in-process against the yaml floor in a fresh process (started by main.ts with
 * --expose-gc), so that no input pays for the heap an earlier one left behind. Reads a
 * WorkerSpec as its argument and prints WorkerResult as JSON.
 */
export interface WorkerSpec {
  /** Compose files that compile; one timed pass compiles them all. */
  readonly files: readonly string[];
  /** Compiled once, untimed, so that the timed passes run optimized code. */
  readonly warmup: readonly string[];
  readonly plan: RunPlan;
}

export interface WorkerResult {
  readonly compileMs: readonly number[];
  readonly floorMs: readonly number[];
}

const spec = JSON.parse(process.argv[2]!) as WorkerSpec;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
for (const file of spec.warmup) {
  const out = compileFile(file);
  if (out) yamlFloor(file, out.manifests);
}

// The floor serializes tychoc's output, so it needs a compile pass first; alternate() runs the
// first contender first.
const outputs = new Map<string, readonly Manifest[]>();
const compilePass = () => {
  gc(); // a collection owed by the previous pass is not this pass's cost
  return {
    ms: timeCall(() => {
      for (const file of spec.files) {
        const out = compileFile(file);
        if (!out) throw new Error(`${file} does not compile`);
        outputs.set(file, out.manifests);
      }
    }),
  };
};
const floorPass = () => {
  gc();
  return { ms: timeCall(() => outputs.forEach((manifests, file) => yamlFloor(file, manifests))) };
};
const [compiles, floors] = alternate([compilePass, floorPass], spec.plan);
const result: WorkerResult = { compileMs: compiles!.map((s) => s.ms), floorMs: floors!.map((s) => s.ms) };
process.stdout.write(JSON.stringify(result));
