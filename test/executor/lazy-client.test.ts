import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWithout } from '../blocked-imports.js';

const example = new URL('../../fixtures/web-and-database/compose.yaml', import.meta.url).pathname;

const run = (args: readonly string[], kubeconfig = '/nonexistent/kubeconfig') =>
  runWithout(['@kubernetes/client-node'], args, { DB_PASSWORD: 'secret', KUBECONFIG: kubeconfig });

/** A kubeconfig for a server on a closed port, with the given user. */
function kubeconfig(name: string, user: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tychoc-lazy-')), name);
  const config = {
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('the Kubernetes client library (it costs half a second to load)', () => {
  it('is not loaded by tychoc compile', () => {
    const compiled = run(['compile', example]);
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toContain('kind: Deployment');
  });

  it('is not loaded for a kubeconfig with a token, certificates or basic auth', () => {
    const status = run(['status'], kubeconfig('token.yaml', { token: 'abc' }));
    expect(status.stderr).toBe('tychoc: cannot reach the API server at https://127.0.0.1:1: connection refused\n');
    expect(status.status).toBe(3);
  });

  it('is loaded for an exec plugin, so the checks above can fail', () => {
    const status = run(['status'], kubeconfig('exec.yaml', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'true' } }));
    expect(status.stderr).toContain('BLOCKED @kubernetes/client-node');
    expect(status.status).toBe(70);
  });
});
