import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'tychoc-each-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const service = (name: string) => `services:\n  ${name}:\n    image: nginx:1.27\n    ports: ["80"]\n`;
function write(path: string, text: string): void {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), text);
}
write('apps/web/compose.yaml', service('web'));
write('apps/api/docker-compose.yml', service('api'));
write('apps/api/docker-compose.override.yml', 'services:\n  api:\n    environment:\n      MODE: override\n');
write('ci/smoke.yaml', service('smoke'));
write('apps/broken/compose.yaml', 'services:\n  x:\n    portz: []\n');
write('empty/README', '');

const listing = (dir: string) => readdirSync(dir).sort();

describe('compile --each', () => {
  it('compiles each input into its own directory below -o, named by its path below the inputs\' common directory', async () => {
    const run = await runCli(['compile', '--each', 'apps/web/compose.yaml', 'apps/api', 'ci/smoke.yaml', '-o', 'out'], work);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(listing(join(work, 'out'))).toEqual(['apps', 'ci']);
    expect(listing(join(work, 'out/apps'))).toEqual(['api', 'web']);
    expect(listing(join(work, 'out/ci/smoke'))).toContain('kustomization.yaml');
    // A directory is a project as docker compose finds it there: the override file is merged.
    expect(readFileSync(join(work, 'out/apps/api/api-deployment.yaml'), 'utf8')).toContain('value: override');
  });

  it('writes what a compile of each project on its own writes', async () => {
    await runCli(['compile', '-o', 'alone', 'apps/web/compose.yaml'], work);
    await runCli(['compile', '--each', 'apps/web', 'apps/api', '-o', 'many'], work);
    for (const f of listing(join(work, 'alone'))) expect(readFileSync(join(work, 'many/web', f), 'utf8')).toBe(readFileSync(join(work, 'alone', f), 'utf8'));
  });

  it('goes on past a project that fails, reports it, and exits with the worst code', async () => {
    const run = await runCli(['compile', '--each', 'apps/broken', 'apps/web', 'empty', '-o', 'partial'], work);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apps/broken/compose.yaml:3:5 error TYC0301 unknown key `portz`');
    expect(run.stderr).toContain('tychoc: --each: no compose file in empty (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)\n');
    expect(existsSync(join(work, 'partial/apps/web/kustomization.yaml'))).toBe(true);
    expect(existsSync(join(work, 'partial/apps/broken'))).toBe(false);
  });

  it.each([
    [['compile', '--each', 'apps/web'], '--each writes each project into its own directory: pass -o DIR'],
    [['compile', '--each', '-o', 'x'], '--each needs the projects to compile: compose files or directories'],
    [['compile', '--each', 'apps/web', '-p', 'one', '-o', 'x'], "--each takes each project's files and name from its input; --project-name names one project"],
    [['compile', '--each', 'apps/web', '--reporter', 'sarif', '-o', 'x'], '--each reports with text or github: a sarif report is one document per run'],
    [['compile', '--each', 'apps/web', 'apps/web/compose.yaml', '-o', 'x'], '--each: apps/web and apps/web/compose.yaml would both be written to x'],
  ])('%j is a usage error', async (args, message) => {
    const run = await runCli(args, work);
    expect(run.stderr).toBe(`tychoc: ${message}\n`);
    expect(run.code).toBe(2);
  });
});
