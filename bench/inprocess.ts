import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import { compile } from '../src/compile.js';
import type { Manifest } from '../src/emit/chart.js';
import { toYamlStream } from '../src/emit/serialize.js';

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
