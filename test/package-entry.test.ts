import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeWithout } from './blocked-imports.js';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** A project that depends on the package, as an installed one would (node_modules/tychoc). */
function consumer(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'tychoc'));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the package entry', () => {
  it('types TychoClient and the API\'s requests and answers for a TypeScript program', () => {
    const dir = consumer({
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: [] } }),
      'use.ts': [
        "import { TychoApiError, TychoClient, type StartRequest, type SystemView } from 'tychoc';",
        "const client = new TychoClient('http://tychoc.tychoc.svc:7051', 'token');",
        "const request: StartRequest = { system: 'services: {}', services: { web: { clients: ['10.0.0.0/8'] } } };",
        'export const started: Promise<SystemView> = client.start(request);',
        'export const failed = (e: unknown) => e instanceof TychoApiError && e.status === 422;',
        '// @ts-expect-error: a key the schema does not have',
        "export const wrong = client.start({ system: {}, colour: 'blue' });",
        '// @ts-expect-error: replicas are a number',
        "export const scaled = client.scale('web', '3');",
        '',
      ].join('\n'),
    });
    // tsc exits non-zero (and the test fails) on any type error, an unused @ts-expect-error included.
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  }, 60_000);

  it('loads the client without the compiler, the server or the executor', () => {
    const dir = consumer({ 'use.mjs': "const { TychoClient } = await import('tychoc'); console.log(typeof TychoClient);\n" });
    const run = nodeWithout(['fastify', 'yaml', '/dist/src/compile.js', '/dist/src/executor/kubeconfig.js'], ['use.mjs'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('function\n');
  });
});
