import { Argument, Command } from 'commander';
import { bashScript } from './completion-bash.js';
import { fishScript } from './completion-fish.js';
import { completionSpec } from './completion-spec.js';
import { zshScript } from './completion-zsh.js';
import { ExitCode, type Io } from './io.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `tychoc completion bash|zsh|fish`: the shell's completion script, made from the program it is part of. */
export function completionCommand(io: Io): Command {
  return new Command('completion')
    .description('print a shell completion script (commands, options, their values and file names)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(SCRIPTS)))
    .action((shell: keyof typeof SCRIPTS, _flags: unknown, command: Command) => {
      io.stdout(SCRIPTS[shell](completionSpec(command.parent!)));
      io.exit(ExitCode.ok);
    });
}
