import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compile } from '../src/compile.js';
import type { Manifest } from '../src/emit/chart.js';
import type { PolicyOverrides } from '../src/model/policy.js';
import { corpusDir, corpusFiles } from './corpus-files.js';

/** What one compile emitted, with its diagnostics as `CODE message` lines. */
export interface EmittedObjects {
  readonly name: string;
  readonly manifests: readonly Manifest[];
  readonly diagnostics: readonly string[];
}

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/** The golden fixtures that compile: their expected objects (a JSON `List` unwrapped) and diagnostics. */
export function fixtureObjects(): EmittedObjects[] {
  return readdirSync(fixtures).sort().flatMap((name) => {
    const expected = join(fixtures, name, 'expected.yaml');
    if (!existsSync(expected)) return [];
    const docs = parseAllDocuments(readFileSync(expected, 'utf8')).map((d) => d.toJS() as Manifest).filter(Boolean);
    const manifests = docs.flatMap((d) => (d.kind === 'List' ? (d['items'] as Manifest[]) : [d]));
    const diagFile = join(fixtures, name, 'diagnostics.txt');
    const diagnostics = existsSync(diagFile) ? [...readFileSync(diagFile, 'utf8').matchAll(/ (?:error|warning) (TYC\d{4} .*)$/gm)].map((m) => m[1]!) : [];
    return [{ name, manifests, diagnostics }];
  });
}

/** Every corpus file that compiles, compiled in-process under `policy`; none without the corpus. */
export function corpusObjects(policy?: PolicyOverrides): EmittedObjects[] {
  return corpusFiles().flatMap((file) => {
    const name = relative(corpusDir, file);
    // Files that fail (under this policy) are corpus.test.ts's concern.
    const result = compile({ files: [file], cwd: dirname(file), env: {}, ...(policy ? { policy } : {}) });
    if (!result.manifests) return [];
    return [{ name, manifests: result.manifests, diagnostics: result.diagnostics.map((d) => `${d.code} ${d.message}`) }];
  });
}
