import { readFileSync } from 'node:fs';
import { packagePath } from '../package-path.js';
import { ExitCode } from './io.js';
import { runProgram } from './program.js';

/** Runs `tychoc` on the process's arguments and streams; sets `process.exitCode`. */
export async function main(): Promise<void> {
  const { version } = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  try {
    process.exitCode = await runProgram(
      {
        cwd: process.cwd(),
        // A plain copy: each read of process.env goes to the C library's environ, and a compile
        // reads all of it for every project (compile --each).
        env: { ...process.env },
        stderrIsTTY: process.stderr.isTTY,
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        exit: () => undefined,
      },
      process.argv.slice(2),
      version,
    );
  } catch (e) {
    process.stderr.write(`tychoc: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = ExitCode.internal;
  }
}
