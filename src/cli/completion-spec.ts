import type { Argument, Command, Option } from 'commander';

/** What the word after an option, or a positional word, completes to. */
export type ValueKind =
  | { readonly type: 'choices'; readonly words: readonly string[] }
  | { readonly type: 'path' }
  | { readonly type: 'directory' }
  | { readonly type: 'text' };

export interface OptionSpec {
  /** `-o`, `--output`: every spelling. */
  readonly names: readonly string[];
  readonly description: string;
  /** Absent for a flag without a value. */
  readonly value?: ValueKind;
}

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** What positional words complete to; absent when the command takes none. */
  readonly args?: ValueKind;
  readonly commands: readonly CommandSpec[];
}

/**
 * The shape shells complete from, read off the commander program itself so that the scripts never
 * drift from the options: commands, visible options with their choices, and which values are paths
 * (by their placeholder's name: `<file>`, `<dir>`, `[files...]`, `<source>`).
 */
export function completionSpec(cmd: Command): CommandSpec {
  const help = cmd.createHelp();
  const commands = help.visibleCommands(cmd).map((sub) => (cmd.commands.includes(sub) ? completionSpec(sub) : helpCommand(cmd, sub)));
  const first = cmd.registeredArguments[0];
  const args = first && argumentKind(first);
  return {
    name: cmd.name(),
    description: cmd.summary() || cmd.description(),
    options: help.visibleOptions(cmd).map(optionSpec),
    ...(args ? { args } : {}),
    commands,
  };
}

/** Commander's implicit `help [command]`, which completes the names of the commands it explains. */
function helpCommand(parent: Command, help: Command): CommandSpec {
  const words = parent.commands.map((c) => c.name());
  return { name: 'help', description: help.description(), options: [], args: { type: 'choices', words }, commands: [] };
}

function optionSpec(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((n): n is string => n !== undefined);
  if (!option.required && !option.optional) return { names, description: option.description };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  return { names, description: option.description, value: option.argChoices ? { type: 'choices', words: option.argChoices } : placeholderKind(placeholder) };
}

function argumentKind(arg: Argument): ValueKind {
  return arg.argChoices ? { type: 'choices', words: arg.argChoices } : placeholderKind(arg.name());
}

function placeholderKind(name: string): ValueKind {
  if (/^dir(ectory)?$/.test(name)) return { type: 'directory' };
  if (/^(files?|source)$|^file\|/.test(name)) return { type: 'path' };
  return { type: 'text' };
}

/** Every command below `spec`, each with the names leading to it (`['apps', 'list']`). */
export function commandPaths(spec: CommandSpec, path: readonly string[] = []): { path: readonly string[]; spec: CommandSpec }[] {
  return [{ path, spec }, ...spec.commands.flatMap((c) => commandPaths(c, [...path, c.name]))];
}
