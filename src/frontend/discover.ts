import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const CANDIDATES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

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
