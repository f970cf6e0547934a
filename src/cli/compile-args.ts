import { CommanderError, type Option } from 'commander';
import { compileCommand, type CompileFlags } from './compile-command.js';
import type { Io } from './io.js';

/** A value for one of compile's flags, as an Argo CD parameter or a KRM function config gives it. */
export type FlagValue = string | number | boolean | readonly string[];

/** Compile's files and flags, parsed; or why the values cannot be them. */
export type CompileArgs = { readonly files: string[]; readonly flags: CompileFlags } | { readonly error: string };

/** The name that stands for compile's positional compose files. */
const FILES = 'files';

// Hidden options (aliases) are no names of their own.
const longName = (o: Option) => (o.hidden ? undefined : o.long?.replace(/^--/, ''));

/** Names `compileArgs` takes: `files` and compile's long flags, less `excluded`. */
export function compileArgNames(excluded: ReadonlySet<string>): string[] {
  const flags = compileCommand(noIo).options.map(longName).filter((n): n is string => n !== undefined && !excluded.has(n));
  return [FILES, ...flags];
}

/**
 * Compile's arguments from values named for its long flags (`files` for the compose files),
 * parsed by compile's own option definitions, so every choice and check is compile's.
 * A list is the flag given once per item; `true` (or "true") a switch, `false` (or "false") none.
 * `label` names a value in messages as its source calls it (`parameter service-type`), `spell` a
 * name in the list of known ones.
 */
export async function compileArgs(values: ReadonlyArray<readonly [string, FlagValue]>, excluded: ReadonlySet<string>, label: (name: string) => string, spell: (name: string) => string = (name) => name): Promise<CompileArgs> {
  const command = compileCommand(noIo);
  const byName = new Map(command.options.filter((o) => longName(o) !== undefined && !excluded.has(longName(o)!)).map((o) => [longName(o), o]));
  const files: string[] = [];
  const argv: string[] = [];
  const listed = new Set<string>();
  for (const [name, value] of values) {
    const option = byName.get(name);
    if (name === FILES) {
      if (typeof value === 'boolean') return { error: `${label(name)} takes file names` };
      files.push(...(Array.isArray(value) ? value : [String(value)]));
    } else if (!option) {
      return { error: `unknown ${label(name)} (known: ${compileArgNames(excluded).map(spell).join(', ')})` };
    } else if (option.isBoolean()) {
      if (value !== true && value !== false && value !== 'true' && value !== 'false') return { error: `${label(name)} is true or false, not ${JSON.stringify(value)}` };
      if (value === true || value === 'true') argv.push(option.long!);
    } else {
      if (typeof value === 'boolean') return { error: `${label(name)} takes a value, not ${value}` };
      const items = Array.isArray(value) ? value : [String(value)];
      if (items.length > 1) listed.add(name);
      for (const item of items) argv.push(option.long!, item);
    }
  }
  let parsed: { files: string[]; flags: CompileFlags } | undefined;
  let stderr = '';
  command
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: (s) => void (stderr += s) })
    .action((files: string[], flags: CompileFlags) => void (parsed = { files, flags }));
  try {
    await command.parseAsync([...argv, '--', ...files], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // commander names the flag (`option '--service-type <type>'`); the caller's name for it reads better.
    return { error: (stderr || e.message).trim().replace(/^error: /, '').replace(/option '--([a-z-]+)[^']*'/, (_, n: string) => label(n)) };
  }
  // A list for a flag that keeps only its last value would drop the others without a word.
  for (const name of listed) {
    const key = byName.get(name)!.attributeName() as keyof CompileFlags;
    if (!Array.isArray(parsed!.flags[key])) return { error: `${label(name)} takes one value, not a list` };
  }
  return parsed!;
}

// The command is built for its option definitions only; its action is replaced before it runs.
const noIo: Io = { cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, exit: () => undefined };
