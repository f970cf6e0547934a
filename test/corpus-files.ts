import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../src/package-path.js';

/** The shared real-world corpus beside the repository (`../shared/corpus`); read in place, never copied into it. */
export const corpusDir = packagePath('..', 'shared', 'corpus');

/** Every YAML file under `dir` (default: the corpus), in a stable order; none when `dir` does not exist. */
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
