import { Command, CommanderError } from 'commander';
import { applyCommand } from './apply-command.js';
import { appsCommand } from './apps-command.js';
import { argocdCommand } from './argocd-command.js';
import { compileCommand } from './compile-command.js';
import { diffCommand } from './diff-command.js';
import { completionCommand } from './completion-command.js';
import { downCommand } from './down-command.js';
import { explainCommand } from './explain-command.js';
import { addExamples } from './help-examples.js';
import { krmCommand } from './krm-command.js';
import { launchCommand } from './launch-command.js';
import { logsCommand } from './logs-command.js';
import { modifyCommand } from './modify-command.js';
import { planCommand } from './plan-command.js';
import { reapCommand } from './reap-command.js';
import { restartCommand } from './restart-command.js';
import { scaleCommand } from './scale-command.js';
import { serveCommand } from './serve-command.js';
import { statusCommand } from './status-command.js';
import { touchCommand } from './touch-command.js';
import { upCommand } from './up-command.js';
import { ExitCode, type Io } from './io.js';

/** The `tychoc` program; usage errors come back as exit code 2 instead of exiting. */
export function buildProgram(io: Io, version: string): Command {
  const program = new Command('tychoc')
    .description('compile docker-compose applications into Kubernetes manifests')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();
  const commands = [
    compileCommand(io),
    planCommand(io),
    upCommand(io, version),
    applyCommand(io, version),
    diffCommand(io, version),
    explainCommand(io),
    statusCommand(io),
    downCommand(io),
    scaleCommand(io),
    modifyCommand(io),
    restartCommand(io),
    logsCommand(io),
    serveCommand(io, version),
    appsCommand(io),
    launchCommand(io, version),
    touchCommand(io),
    reapCommand(io),
    completionCommand(io),
    argocdCommand(io),
    krmCommand(io),
  ];
  for (const command of commands) program.addCommand(command);
  addExamples(program);
  routeThroughIo(program, io);
  return program;
}

/** Commands built apart and then added inherit neither the exit override nor the output: every one gets both. */
function routeThroughIo(cmd: Command, io: Io): void {
  cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const sub of cmd.commands) routeThroughIo(sub, io);
}

/** Runs the program and returns the exit code; commander's own exits become codes here. */
export async function runProgram(io: Io, argv: readonly string[], version: string): Promise<ExitCode> {
  let code: ExitCode = ExitCode.ok;
  const exiting: Io = { ...io, exit: (c) => void (code = c) };
  try {
    await buildProgram(exiting, version).parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // --help and --version "fail" with exit code 0.
    return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  return code;
}
