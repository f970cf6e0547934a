import { runProgram } from '../src/cli/program.js';
import type { ExitCode } from '../src/cli/io.js';

export interface CliRun {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tychoc` in-process with a controlled working directory and environment. */
export async function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runProgram(
    { cwd, env, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), exit: () => undefined },
    args,
    '0.0.0-test',
  );
  return { code, stdout, stderr };
}
