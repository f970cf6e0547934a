import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** What the numbers depend on besides the code. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly tychoc: string;
  /** The commit measured, with "+dirty" when the work tree had changes. */
  readonly commit: string;
}

const repo = fileURLToPath(new URL('../..', import.meta.url));

export function machine(): Machine {
  const { version } = JSON.parse(readFileSync(`${repo}/package.json`, 'utf8')) as { version: string };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  try {
    commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : '');
  } catch {
    // not a git checkout (e.g. an unpacked tarball)
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `${process.platform} ${release()}`,
    tychoc: version,
    commit,
  };
}
