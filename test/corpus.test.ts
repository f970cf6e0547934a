import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { toYamlStream } from '../src/emit/serialize.js';
import { EXPECTED_FAILURES } from './corpus-expectations.js';
import { corpusDir, corpusFiles } from './corpus-files.js';

/**
 * Every YAML file of the shared real-world corpus must end in manifests or in positioned
 * diagnostics, never an exception; the ones that fail are listed with the reason.
 */
const corpus = corpusDir;
const available = existsSync(corpus);
const files = corpusFiles();

describe.skipIf(!available)(available ? 'shared corpus' : `shared corpus (SKIPPED: ${corpus} not found)`, () => {
  it.each(files.map((f) => [relative(corpus, f), f]))('%s', (name, file) => {
    const run = () => compile({ files: [file], cwd: dirname(file), env: {} });
    const result = run();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of result.diagnostics) {
      expect(d.code).toMatch(/^TYC\d{4}$/);
      expect(d.pos, `${d.code} ${d.message} has no position`).toBeDefined();
      expect(d.message).not.toMatch(/\n|undefined|\[object Object\]/);
    }
    const expected = EXPECTED_FAILURES[name];
    if (expected) {
      expect(errors.map((e) => e.code), expected.reason).toContain(expected.code);
      expect(result.manifests).toBeUndefined();
    } else {
      expect(errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
      expect(result.manifests!.length).toBeGreaterThan(0);
      expect(toYamlStream(run().manifests!)).toBe(toYamlStream(result.manifests!));
    }
  });

  it('lists no expected failure for a file that is not in the corpus', () => {
    const names = new Set(files.map((f) => relative(corpus, f)));
    expect(Object.keys(EXPECTED_FAILURES).filter((n) => !names.has(n))).toEqual([]);
  });
});
