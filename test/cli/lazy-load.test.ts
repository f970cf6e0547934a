import { describe, expect, it } from 'vitest';
import { runWithout } from '../blocked-imports.js';

// Start-up is most of a small command's time: the compiler (cdk8s and the Kubernetes classes),
// yaml and the executor load only in the actions that use them.
const HEAVY = ['/dist/src/compile.js', '/dist/constructs/cdk8s.js', 'yaml', '/dist/src/executor/kubeconfig.js'];
const example = new URL('../../fixtures/web-and-database/compose.yaml', import.meta.url).pathname;

describe('what a command loads', () => {
  it.each(['--version', '--help', 'status --help', 'up --help', 'down --help', 'compile --help', 'reap --help', 'touch --help', 'plan --help', 'argocd generate --help', 'krm --help'])('tychoc %s loads none of the compiler, yaml or the executor', (args) => {
    const run = runWithout(HEAVY, args.split(' '));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('a usage error loads none of them either', () => {
    const run = runWithout(HEAVY, ['scale', 'Not A System', 'web', '3']);
    expect(run.stderr).toMatch(/^error: command-argument value 'Not A System' is invalid/);
    expect(run.status).toBe(2);
  });

  it('compile loads the compiler, so the checks above can fail', () => {
    const run = runWithout(['/dist/src/compile.js'], ['compile', example], { DB_PASSWORD: 'secret' });
    expect(run.stderr).toContain('BLOCKED /dist/src/compile.js');
    expect(run.status).toBe(70);
  });
});
