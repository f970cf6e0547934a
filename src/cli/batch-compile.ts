import { statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { CANDIDATES, discoverComposeFiles } from '../frontend/discover.js';
import type { CompileFlags } from './compile-command.js';
import { ExitCode, type Io } from './io.js';

/** One project of a batch: where its files are, and where its output goes below `-o DIR`. */
interface Project {
  readonly input: string;
  /** The compose file, or those docker compose would find in the directory (none: it has none). */
  readonly files: string[];
  readonly output: string;
}

/**
 * `tychoc compile --each a/compose.yaml b/ … -o out/`: every input a project of its own, compiled
 * in this one process (the compiler loads once) into `out/<its path>/`, the path taken below the
 * inputs' common directory: `apps/web/compose.yaml` → `out/apps/web/` (`out/web/` with only apps/
 * given), `ci/smoke.yaml` → `out/ci/smoke/`. A project that fails does not stop the others; the
 * exit code is the worst of theirs.
 */
export async function runEach(io: Io, inputs: readonly string[], flags: CompileFlags, compileOne: (io: Io, files: string[], flags: CompileFlags) => Promise<ExitCode>): Promise<ExitCode> {
  const problem = usageProblem(inputs, flags);
  if (problem) {
    io.stderr(`tychoc: ${problem}\n`);
    return ExitCode.usage;
  }
  const projects = layout(io.cwd, inputs, resolve(io.cwd, flags.output!));
  const clash = projects.find((p, i) => projects.findIndex((q) => q.output === p.output) !== i);
  if (clash) {
    const first = projects.find((p) => p.output === clash.output)!;
    io.stderr(`tychoc: --each: ${first.input} and ${clash.input} would both be written to ${relative(io.cwd, clash.output) || '.'}\n`);
    return ExitCode.usage;
  }
  let worst = ExitCode.ok;
  for (const p of projects) {
    if (p.files.length === 0) io.stderr(`tychoc: --each: no compose file in ${p.input} (${CANDIDATES.join(', ')})\n`);
    const code = p.files.length === 0 ? ExitCode.input : await compileOne(io, p.files, { ...flags, output: p.output });
    worst = Math.max(worst, code);
  }
  return worst;
}

function usageProblem(inputs: readonly string[], flags: CompileFlags): string | undefined {
  if (inputs.length === 0) return '--each needs the projects to compile: compose files or directories';
  if (!flags.output || flags.output === '-') return '--each writes each project into its own directory: pass -o DIR';
  if (inputs.includes('-')) return '--each reads projects from files, not standard input';
  const single = (['file', 'projectName', 'projectDirectory'] as const).find((k) => flags[k] !== undefined);
  if (single) return `--each takes each project's files and name from its input; --${single.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} names one project`;
  if (flags.reporter === 'json' || flags.reporter === 'sarif') return `--each reports with text or github: a ${flags.reporter} report is one document per run`;
  return undefined;
}

function layout(cwd: string, inputs: readonly string[], out: string): Project[] {
  const found = inputs.map((input) => {
    const path = resolve(cwd, input);
    const isDir = isDirectory(path);
    // A file of a name docker compose discovers stands for its directory; another names itself.
    const key = isDir ? path : CANDIDATES.includes(basename(path)) ? dirname(path) : path.slice(0, path.length - extname(path).length);
    return { input, path, isDir, key };
  });
  const common = commonDirectory(found.map((f) => (f.isDir ? f.key : dirname(f.path))));
  return found.map((f) => ({
    input: f.input,
    // Only the directory itself: discovery's walk up to a parent would compile another project.
    files: f.isDir ? discoverComposeFiles(f.path).filter((file) => dirname(file) === f.path) : [f.path],
    output: join(out, relative(common, f.key)),
  }));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // compiled as a file, whose absence the compiler reports as usual
  }
}

function commonDirectory(dirs: readonly string[]): string {
  return dirs.reduce((common, dir) => {
    while (dir !== common && !dir.startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
    return common;
  });
}
