import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzCase } from './fuzz/cases.js';
import { checkCase } from './fuzz/properties.js';

/**
 * The compiler's promises as properties over generated compose documents and mutated corpus
 * files (test/fuzz/). A fixed seed keeps CI repeatable; FUZZ_SEED and FUZZ_RUNS explore further,
 * and `npm run fuzz` runs them for long.
 */
const seed = Number(process.env['FUZZ_SEED'] ?? 20261202);
const numRuns = Number(process.env['FUZZ_RUNS'] ?? 300);
const dir = join(mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-fuzz-')), 'case');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every input ends in valid objects or positioned diagnostics', () => {
  it(`holds for ${numRuns} inputs (seed ${seed})`, () => {
    fc.assert(
      fc.property(fuzzCase(), (c) => {
        expect(checkCase(c, dir).violations.map((v) => `${v.property}: ${v.detail.split('\n')[0]}`)).toEqual([]);
      }),
      { seed, numRuns },
    );
  }, 300_000);
});
