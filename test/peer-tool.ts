import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

/**
 * The path of a peer tool that scripts/<name>.sh builds (scripts/peer-tools.sh builds them all
 * before the suite), or undefined when it is not built. Called in a describe block: without the
 * tool, CI (CI=true) gets a failing test saying so, anywhere else a skipped one saying why.
 */
export function peerTool(name: string): string | undefined {
  const script = new URL(`../scripts/${name}.sh`, import.meta.url).pathname;
  const built = spawnSync('bash', [script, '--path'], { encoding: 'utf8' });
  if (built.status === 0) return built.stdout.trim();
  const missing = `${name} is not built at ${built.stdout.trim()} (bash scripts/${name}.sh builds it)`;
  if (process.env.CI === 'true') it(`has ${name} on CI`, () => expect.fail(missing));
  else it.skip(missing, () => undefined);
  return undefined;
}
