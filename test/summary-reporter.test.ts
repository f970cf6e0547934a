import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const reporter = fileURLToPath(new URL('./summary-reporter.ts', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tychoc-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The summary line of a real vitest run over the given test files. */
function summary(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'run-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  writeFileSync(join(root, 'vitest.config.mjs'), 'export default {};\n');
  const res = spawnSync(process.execPath, [vitest, 'run', '--root', root, '--reporter', reporter], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return res.stdout.trim().split('\n').at(-1)!;
}

describe('summary reporter', () => {
  it('counts passed, failed and skipped tests', () => {
    const text = "import { it } from 'vitest';\nit('a', () => {});\nit('b', () => { throw new Error('no'); });\nit.skip('c', () => {});\n";
    expect(summary({ 'a.test.mjs': text })).toBe('1 passed, 1 failed, 1 skipped');
  });

  it('counts a test file that does not load as a failure', () => {
    const broken = "import { it } from 'vitest';\nif (true) const x = 1;\nit('a', () => {});\n";
    const fine = "import { it } from 'vitest';\nit('a', () => {});\n";
    expect(summary({ 'broken.test.mjs': broken, 'fine.test.mjs': fine })).toBe('1 passed, 1 failed, 0 skipped');
  });
});
