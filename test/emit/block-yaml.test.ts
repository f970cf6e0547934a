import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Document } from 'yaml';
import { compile } from '../../src/compile.js';
import { blockYaml } from '../../src/emit/block-yaml.js';
import { corpusFiles } from '../corpus-files.js';

// The direct writer must write exactly what `yaml` writes for a YAML 1.1 document, or decline.
const viaDocument = (value: unknown) => new Document(value, { version: '1.1', aliasDuplicateObjects: false }).toString({ lineWidth: 0 });

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const projects = [
  ...readdirSync(fixtures).map((name) => join(fixtures, name, 'compose.yaml')).filter(existsSync),
  ...corpusFiles(),
];

describe('block YAML written directly', () => {
  it('writes every manifest of the fixtures and the corpus as yaml does, or declines it', () => {
    let written = 0;
    let declined = 0;
    for (const file of projects) {
      const { manifests } = compile({ files: [file], cwd: dirname(file), env: {} });
      for (const m of manifests ?? []) {
        const direct = blockYaml(m);
        if (direct === undefined) declined++;
        else {
          written++;
          expect(direct, `${file}: ${m.kind} ${m.metadata.name}`).toBe(viaDocument(m));
        }
      }
    }
    // Most objects are written directly, or the writer would not be worth its keep.
    expect(written).toBeGreaterThan(3 * declined);
  });

  it('writes any value of strings, integers, booleans and nulls as yaml does, or declines it', () => {
    const text = fc.stringMatching(/^[ -~]{0,12}$/).chain((s) => fc.constantFrom(s, `a${s}`, s.trim(), 'y', 'On', '0o17', '012', '1:20', '-', '--x', '- x', 'a: b', 'a #b', 'a#b', '2001-12-14', '.inf', '~', '---x', 'x:', '(a)', 'a=b', '@a', 'a@b'));
    const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(text, tie('tree'), { maxKeys: 3 })),
    })).tree;
    fc.assert(
      fc.property(fc.dictionary(text, value, { maxKeys: 4 }), (v) => {
        const direct = blockYaml(v);
        if (direct !== undefined) expect(direct).toBe(viaDocument(v));
      }),
      { numRuns: 3000 },
    );
  });
});
