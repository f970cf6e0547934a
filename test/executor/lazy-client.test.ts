import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;
const example = new URL('../../fixtures/web-and-database/compose.yaml', import.meta.url).pathname;

// A module hook that makes importing the Kubernetes client library fail, so a command that loads
// it (statically or dynamically, directly or through another module) cannot succeed.
const resolveHook = `export async function resolve(specifier, context, next) {
  if (specifier === '@kubernetes/client-node' || specifier.startsWith('@kubernetes/client-node/')) throw new Error('BLOCKED @kubernetes/client-node');
  return next(specifier, context);
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(resolveHook)}`)});`;

function run(...args: string[]) {
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args], {
    env: { PATH: process.env.PATH, DB_PASSWORD: 'secret', KUBECONFIG: '/nonexistent/kubeconfig' },
    encoding: 'utf8',
  });
}

describe('the Kubernetes client library', () => {
  it('is not loaded by tychoc compile (it costs most of a second)', () => {
    const compiled = run('compile', example);
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toContain('kind: Deployment');
  });

  it('is loaded by the commands that talk to a cluster, so the check above can fail', () => {
    const status = run('status');
    expect(status.stderr).toContain('BLOCKED @kubernetes/client-node');
    expect(status.status).toBe(70);
  });
});
