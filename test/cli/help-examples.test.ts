import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from '../run-cli.js';

const program = buildProgram({ cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, exit: () => undefined }, '0.0.0-test');

/** Every command below `cmd`, by the names leading to it. */
function commands(cmd: Command, path: string[] = []): { path: string[]; cmd: Command }[] {
  return [{ path, cmd }, ...cmd.commands.flatMap((sub) => commands(sub, [...path, sub.name()]))];
}

/** The example lines of a help text, without their `$ ` and comment. */
function examples(help: string): string[] {
  const section = help.split('\nExamples:\n')[1] ?? '';
  return section.split('\n').filter((l) => l.startsWith('  $ ')).map((l) => l.slice(4).replace(/\s+#.*$/, ''));
}

/** The `tychoc …` invocations of a shell line, as words. */
function invocations(line: string): string[][] {
  return line.split(/\|\||&&|\||[<>;]|\$\(|<\(/).map((part) => part.trim().split(/\s+/)).map((words) => words.slice(words.indexOf('tychoc'))).filter((words) => words[0] === 'tychoc');
}

describe('--help', () => {
  const all = commands(program);

  it.each(all.map(({ path }) => [path.join(' ') || '(tychoc)', path]))('of %s ends with examples', async (_name, path) => {
    const run = await runCli([...(path as string[]), '--help'], '/');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\nExamples:\n( {2}\$ .+\n)+$/);
    expect(examples(run.stdout).length).toBeGreaterThan(0);
  });

  it('shows only commands and options that exist in its examples', async () => {
    const problems: string[] = [];
    for (const { path } of all) {
      const help = (await runCli([...path, '--help'], '/')).stdout;
      for (const words of examples(help).flatMap(invocations)) {
        let cmd = program;
        let i = 1;
        for (; i < words.length && !words[i]!.startsWith('-'); i++) {
          const sub = cmd.commands.find((c) => c.name() === words[i]);
          if (!sub) break;
          cmd = sub;
        }
        const known = new Set([...cmd.options.flatMap((o) => [o.short, o.long]), '-h', '--help']);
        const options = words.slice(i).filter((w) => /^--?[A-Za-z]/.test(w)).map((w) => w.split('=')[0]!);
        for (const option of options.filter((o) => !known.has(o))) problems.push(`${words.join(' ')}: ${cmd.name()} has no option ${option}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
