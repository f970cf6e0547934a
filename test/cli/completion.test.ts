import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from '../run-cli.js';

const scripts: Record<string, string> = {};
/** The output formats compile takes, as the program declares them. */
const formats = [...buildProgram({ cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, exit: () => undefined }, '0')
  .commands.find((c) => c.name() === 'compile')!.options.find((o) => o.long === '--format')!.argChoices!].sort();
/** A project directory to complete file names in, holding the scripts too. */
let dir: string;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-completion-')));
  writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
  writeFileSync(join(dir, 'tycho.policy.yaml'), '{}\n');
  mkdirSync(join(dir, 'out'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runCli(['completion', shell], dir);
    expect(run.code).toBe(0);
    scripts[shell] = join(dir, `tychoc.${shell}`);
    writeFileSync(scripts[shell]!, run.stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers for the words typed so far (the last one being completed), through the script's function as `complete -F` calls it. */
function bashCompletes(line: string): string[] {
  const words = line.split(' ');
  const program = [
    `source ${scripts['bash']}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `[[ "$(complete -p tychoc)" == 'complete -F _tychoc tychoc' ]] || exit 3`,
    '_tychoc',
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join('\n');
  return execFileSync('bash', ['--norc', '--noprofile', '-c', program], { cwd: dir, encoding: 'utf8' }).split('\n').filter((w) => w !== '').sort();
}

/** What fish offers for the command line, by `complete -C`, without the descriptions. */
function fishCompletes(line: string): string[] {
  const out = execFileSync('fish', ['--no-config', '-c', `source ${scripts['fish']}; complete -C '${line}'`], { cwd: dir, encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!).sort();
}

describe('tychoc completion', () => {
  it('prints scripts each shell reads without a syntax error', () => {
    execFileSync('bash', ['-n', scripts['bash']!]);
    execFileSync('zsh', ['-n', scripts['zsh']!]);
    execFileSync('fish', ['--no-config', '-n', scripts['fish']!]);
    // Sourced after compinit, the zsh script registers itself.
    const zsh = execFileSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d ${dir}/zcompdump && source ${scripts['zsh']} && print -r -- $_comps[tychoc]`], { encoding: 'utf8' });
    expect(zsh).toBe('_tychoc\n');
  });

  it('refuses a shell it has no script for', async () => {
    const run = await runCli(['completion', 'powershell'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });

  it('completes commands, options and their fixed values in bash', () => {
    expect(bashCompletes('tychoc comp')).toEqual(['compile', 'completion']);
    expect(bashCompletes('tychoc compile --for')).toEqual(['--format']);
    expect(formats).toContain('yaml');
    expect(bashCompletes('tychoc compile --format ')).toEqual(formats);
    expect(bashCompletes('tychoc compile --format = y')).toEqual(['yaml']);
    expect(bashCompletes('tychoc compile -q --service-type N')).toEqual(['NodePort']);
    expect(bashCompletes('tychoc completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(bashCompletes('tychoc apps ')).toEqual(['help', 'list', 'show']);
    expect(bashCompletes('tychoc apps show --reg')).toEqual(['--registry']);
    expect(bashCompletes('tychoc help comp')).toEqual(['compile', 'completion']);
  });

  it('completes file names where a path is asked for, and only there, in bash', () => {
    expect(bashCompletes('tychoc compile --policy t')).toEqual(['tycho.policy.yaml', 'tychoc.bash', 'tychoc.fish', 'tychoc.zsh']);
    expect(bashCompletes('tychoc compile -n shop comp')).toEqual(['compose.yaml']);
    expect(bashCompletes('tychoc compile -o ')).toEqual(['out']);
    // -f is --follow for logs, a flag: the next word is a service, not a file.
    expect(bashCompletes('tychoc logs -f comp')).toEqual([]);
    expect(bashCompletes('tychoc compile -f comp')).toEqual(['compose.yaml']);
  });

  it('offers every option a command\'s --help lists', async () => {
    for (const command of ['compile', 'up', 'serve']) {
      const help = (await runCli([command, '--help'], dir)).stdout;
      const listed = [...new Set(help.match(/(?<=^\s+(-\w, )?)--[a-z-]+/gm))].sort();
      expect(listed.length).toBeGreaterThan(5);
      expect(bashCompletes(`tychoc ${command} --`).filter((w) => w.startsWith('--'))).toEqual(listed);
    }
  });

  it('completes commands, options, values and files in fish', () => {
    expect(fishCompletes('tychoc comp')).toEqual(['compile', 'completion']);
    expect(fishCompletes('tychoc compile --for')).toEqual(['--format']);
    expect(fishCompletes('tychoc compile --format ')).toEqual(formats);
    expect(fishCompletes('tychoc apps ')).toEqual(['help', 'list', 'show']);
    expect(fishCompletes('tychoc compile --policy tycho.p')).toEqual(['tycho.policy.yaml']);
    expect(fishCompletes('tychoc completion ')).toEqual(['bash', 'fish', 'zsh']);
  });
});
