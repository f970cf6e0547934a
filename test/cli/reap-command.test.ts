import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/cluster-options.js';
import { runCli } from '../run-cli.js';

// Every case here stops before a cluster is needed.
const cwd = mkdtempSync(join(tmpdir(), 'tychoc-reap-'));
const env = { KUBECONFIG: join(cwd, 'no-such-kubeconfig') };

describe('tychoc reap and serve --reap-every, before the cluster', () => {
  it('refuses to reap without any limit', async () => {
    expect(await runCli(['reap'], cwd, env)).toEqual({ code: 2, stdout: '', stderr: 'tychoc: reap needs a limit: --max-age, --idle, or a registry whose apps have maxAge or idle\n' });
  });

  it('refuses a registry none of whose apps has a limit', async () => {
    writeFileSync(join(cwd, 'compose.yaml'), 'services: {web: {image: nginx:1.27}}\n');
    writeFileSync(join(cwd, 'apps.yaml'), 'contexts:\n  c:\n    apps:\n      web: {compose: {path: compose.yaml}}\n');
    expect(await runCli(['reap', '--registry', 'apps.yaml'], cwd, env)).toMatchObject({ code: 2, stderr: 'tychoc: reap needs a limit: --max-age, --idle, or a registry whose apps have maxAge or idle (none of its apps has either)\n' });
    // With one, it goes on to the cluster, which here is not there.
    writeFileSync(join(cwd, 'apps.yaml'), 'contexts:\n  c:\n    apps:\n      web: {compose: {path: compose.yaml}, idle: 1h}\n');
    expect(await runCli(['reap', '--registry', 'apps.yaml'], cwd, env)).toMatchObject({ code: 3 });
  });

  it('refuses a duration it cannot read', async () => {
    expect(await runCli(['reap', '--idle', 'soon'], cwd, env)).toMatchObject({ code: 2, stderr: expect.stringContaining("argument 'soon' is invalid. expected a duration such as 90s, 5m, 8h or 2d") });
  });

  it('serve reaps only when told how often and by which limits', async () => {
    const serve = (args: string[]) => runCli(['serve', '--token-file', 'tokens.yaml', ...args], cwd, env);
    expect(await serve(['--reap-idle', '1h'])).toEqual({ code: 2, stdout: '', stderr: 'tychoc: --reap-max-age and --reap-idle need --reap-every\n' });
    expect(await serve(['--reap-every', '1m'])).toEqual({ code: 2, stdout: '', stderr: 'tychoc: --reap-every needs --registry (its apps\' maxAge and idle), --reap-max-age or --reap-idle\n' });
    expect(await serve(['--reap-every', '100ms', '--reap-idle', '1h'])).toEqual({ code: 2, stdout: '', stderr: 'tychoc: --reap-every must be at least 1s\n' });
  });
});

describe('durations on the command line', () => {
  it('reads seconds, minutes, hours and days, alone or together as the registry writes them', () => {
    expect([parseDuration('90'), parseDuration('90s'), parseDuration('30m'), parseDuration('8h'), parseDuration('2d'), parseDuration('1h30m'), parseDuration('250ms'), parseDuration('1.5h')]).toEqual([
      90_000, 90_000, 1_800_000, 28_800_000, 172_800_000, 5_400_000, 250, 5_400_000,
    ]);
    for (const bad of ['', 'h', '1w', '1h 30m', '-5m', '5m!']) expect(() => parseDuration(bad), bad).toThrow('expected a duration such as 90s, 5m, 8h or 2d');
  });
});
