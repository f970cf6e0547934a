import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

const bin = new URL('../dist/src/cli/bin.js', import.meta.url).pathname;

/**
 * Runs the built CLI in a child process where importing any of `blocked` fails with
 * "BLOCKED <name>": a package (`yaml`, `@kubernetes/client-node`, or one of its files) or a file
 * of the build (`/dist/src/compile.js`), loaded statically or dynamically, directly or through
 * another module. A command that still succeeds does not load them.
 */
export function runWithout(blocked: readonly string[], args: readonly string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return nodeWithout(blocked, [bin, ...args], { env });
}

/** Runs `node ...args` (in `cwd`) where importing any of `blocked` fails, as runWithout does. */
export function nodeWithout(blocked: readonly string[], args: readonly string[], opts: { env?: Record<string, string>; cwd?: string } = {}): SpawnSyncReturns<string> {
  const hook = `const blocked = ${JSON.stringify(blocked)};
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const hit = blocked.find((b) => specifier === b || specifier.startsWith(b + '/') || resolved.url.endsWith(b));
  if (hit) throw new Error('BLOCKED ' + hit);
  return resolved;
}`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, ...args], {
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    encoding: 'utf8',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
}
