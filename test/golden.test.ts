import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/**
 * Golden cases: each fixtures/<case>/ is run as `tychoc <args>` (default `compile`) in that
 * folder with an empty environment. `expected.yaml` pins stdout (absent: the run must fail),
 * `diagnostics.txt` pins stderr. TYCHOC_UPDATE_GOLDEN=1 rewrites them for review in git diff.
 */
const root = new URL('../fixtures/', import.meta.url).pathname;
const update = process.env['TYCHOC_UPDATE_GOLDEN'] === '1';

describe('golden fixtures', () => {
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    // A sample app registry (apps.yaml and the compose files it names) is test/registry/'s, not a compile case.
    if (existsSync(join(dir, 'apps.yaml'))) continue;
    // A sample topology (nodes.yaml, and the project planned on it) is test/plan/'s, not a compile case.
    if (existsSync(join(dir, 'nodes.yaml'))) continue;
    it(name, async () => {
      const argsFile = join(dir, 'args');
      const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/) : ['compile'];
      const run = await runCli(args, dir);
      const outFile = join(dir, 'expected.yaml');
      const diagFile = join(dir, 'diagnostics.txt');
      if (update) {
        rmSync(outFile, { force: true });
        rmSync(diagFile, { force: true });
        if (run.code === 0) writeFileSync(outFile, run.stdout);
        if (run.stderr !== '') writeFileSync(diagFile, run.stderr);
        return;
      }
      if (existsSync(outFile)) {
        expect(run.stderr === '' || existsSync(diagFile), `unexpected diagnostics:\n${run.stderr}`).toBe(true);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(readFileSync(outFile, 'utf8'));
      } else {
        expect(run.code, `expected a failure; stdout:\n${run.stdout}`).toBe(1);
        expect(run.stdout).toBe('');
      }
      expect(run.stderr).toBe(existsSync(diagFile) ? readFileSync(diagFile, 'utf8') : '');
    });
  }
});
