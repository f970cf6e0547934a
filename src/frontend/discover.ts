import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Docker compose's order of preference (compose-go cli.DefaultFileNames, DefaultOverrideFileNames),
// which is not the same for the two families: `docker-compose.yml` before `docker-compose.yaml`.
export const CANDIDATES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/**
 * Finds the compose file as docker compose does: the first candidate name in the working
 * directory or the nearest parent, plus its override file when one sits beside it.
 */
export function discoverComposeFiles(cwd: string): string[] {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const main = CANDIDATES.find((name) => existsSync(join(dir, name)));
    if (main) {
      const override = OVERRIDES.find((name) => existsSync(join(dir, name)));
      return override ? [join(dir, main), join(dir, override)] : [join(dir, main)];
    }
    if (dirname(dir) === dir) return [];
  }
}
