import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compile } from '../src/compile.js';
import type { Manifest } from '../src/emit/chart.js';
import { toYamlStream } from '../src/emit/serialize.js';

/** The shared real-world corpus; read in place, never copied into the repository. */
export const corpusDir = new URL('../../../shared/corpus/', import.meta.url).pathname;

/** Every YAML file of the corpus, as test/corpus.test.ts walks it; empty when the corpus is absent. */
export function corpusFiles(dir = corpusDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return corpusFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

/** What `tychoc compile FILE` does in one process, minus start-up: compile and serialize. Undefined when the file has errors. */
export function compileFile(file: string): { manifests: readonly Manifest[]; yaml: string } | undefined {
  const { manifests } = compile({ files: [file], cwd: dirname(file), env: {} });
  return manifests && { manifests, yaml: toYamlStream(manifests) };
}

/**
 * The floor no compiler can beat: read and parse the input, serialize the output, with the
 * `yaml` package alone (the output being tychoc's own, so the amount written is the same).
 */
export function yamlFloor(file: string, manifests: readonly Manifest[]): string {
  // logLevel: compose files may carry tags (`!reset`) that only a compose loader knows.
  parse(readFileSync(file, 'utf8'), { logLevel: 'error' });
  return manifests.map((m) => stringify(m)).join('---\n');
}
