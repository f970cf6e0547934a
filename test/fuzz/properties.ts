import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile, type CompileResult } from '../../src/compile.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { toYamlStream } from '../../src/emit/serialize.js';
import { k8sProblems } from '../k8s-validity.js';
import { profileMismatches } from '../pod-security-rules.js';
import { LARGE, type FuzzCase } from './cases.js';

/** A broken promise of the compiler's, and the class it belongs to (its detail without the particulars). */
export interface Violation {
  readonly property: 'throws' | 'position' | 'nondeterministic' | 'invalid-object' | 'pod-security' | 'slow';
  readonly detail: string;
  readonly class: string;
}

export interface Checked {
  readonly violations: readonly Violation[];
  readonly ms: number;
  readonly bytes: number;
  /** Whether it compiled to objects; else the code of its first error, if any. */
  readonly compiled: boolean;
  readonly firstError?: string;
}

/**
 * The time a megabyte read or written may take, with room for a busy machine. Output counts: a
 * two-line service becomes two objects of more than a kilobyte, so megabytes of small services
 * are tens of megabytes of YAML.
 */
const MS_PER_MB = 1000;
const SLACK = 2;

/** Writes a case's files into `dir`, emptied first. */
export function writeCase(c: FuzzCase, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/**
 * Compiles a case (written into `dir`) twice and checks the compiler's promises: it never throws;
 * every error points into a file that exists, at a line and column within it; both runs give the
 * same bytes and diagnostics; every object is valid Kubernetes; every pod meets the Pod Security
 * profile the policy promises or carries the warning that says it does not; and compiling takes
 * about a second per megabyte read and written at most.
 */
export function checkCase(c: FuzzCase, dir: string): Checked {
  writeCase(c, dir);
  const bytes = Object.values(c.files).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const opts = { files: [] as string[], cwd: dir, env: {}, ...(c.policy ? { policy: c.policy } : {}), ...(c.projectName ? { projectName: c.projectName } : {}) };
  const violations: Violation[] = [];
  const run = (): { result?: CompileResult; text?: string; ms: number } => {
    const start = performance.now();
    try {
      const result = compile(opts);
      const text = JSON.stringify(result.diagnostics) + (result.manifests ? toYamlStream(result.manifests) : '');
      return { result, text, ms: performance.now() - start };
    } catch (e) {
      const err = e as Error;
      const frame = /at (?:\S+ )?\(?[^)]*\/(src|constructs|node_modules\/[^/]+)\/([^:)]+)/.exec(err.stack ?? '')?.slice(1).join('/') ?? 'unknown';
      violations.push({ property: 'throws', detail: `${err.name}: ${err.message}\n${err.stack ?? ''}`, class: `throws ${err.name}: ${generalize(err.message)} at ${frame}` });
      return { ms: performance.now() - start };
    }
  };
  const first = run();
  const second = run();
  if (!first.result || !second.result) return { violations, ms: first.ms, bytes, compiled: false };

  violations.push(...positions(first.result.diagnostics));
  if (first.text !== second.text) violations.push({ property: 'nondeterministic', detail: 'two compiles of one input differ', class: 'nondeterministic output or diagnostics' });

  const manifests = first.result.manifests ?? [];
  for (const m of manifests) {
    for (const p of k8sProblems(m)) violations.push({ property: 'invalid-object', detail: `${m.kind} ${m.metadata.name}: ${p}`, class: `invalid ${m.kind}: ${generalize(p)}` });
  }
  const profile = c.policy?.security?.profile ?? 'baseline';
  const run1 = { name: c.origin, manifests, diagnostics: first.result.diagnostics.map((d) => `${d.code} ${d.message}`) };
  for (const p of profileMismatches([run1], profile)) violations.push({ property: 'pod-security', detail: p, class: `pod security: ${generalize(p.replace(/^[^:]*: \S+ \S+ /, ''))}` });

  const written = first.text!.length;
  const budget = SLACK * MS_PER_MB * Math.max(1, (bytes + written) / 1e6);
  const ms = Math.min(first.ms, second.ms);
  if (ms > budget) violations.push({ property: 'slow', detail: `${Math.round(ms)} ms for ${bytes} bytes read, ${written} written`, class: `slow (${bytes > 1e5 ? 'large' : 'small'} input, ${c.origin === LARGE ? 'many services' : 'other'})` });
  const firstError = first.result.diagnostics.find((d) => d.severity === 'error')?.code;
  return { violations, ms, bytes, compiled: manifests.length > 0, ...(firstError ? { firstError } : {}) };
}

/** Every error has a position in a file that exists, on one of its lines, within the line. */
function positions(diagnostics: readonly Diagnostic[]): Violation[] {
  const out: Violation[] = [];
  const lines = new Map<string, string[]>();
  for (const d of diagnostics) {
    const bad = (why: string) => out.push({ property: 'position', detail: `${d.code} ${d.message}: ${why}`, class: `position ${d.code}: ${why.replace(/\d+/g, 'N')}` });
    if (!d.pos) {
      if (d.severity === 'error') bad('no position');
      continue;
    }
    if (d.pos.file === '<stdin>') continue;
    // A file outside the project is fine when the project names it (`extends: {file: /etc/hostname}`).
    if (!existsSync(d.pos.file)) {
      bad('file missing');
      continue;
    }
    if (!lines.has(d.pos.file)) lines.set(d.pos.file, readFileSync(d.pos.file, 'utf8').split('\n'));
    const text = lines.get(d.pos.file)!;
    const count = text.length > 1 && text.at(-1) === '' ? text.length - 1 : text.length;
    if (d.pos.line < 1 || d.pos.line > count) bad(`line ${d.pos.line} of ${count}`);
    else if (d.pos.col < 1 || d.pos.col > text[d.pos.line - 1]!.length + 1) bad(`column ${d.pos.col} past the line's end`);
  }
  return out;
}

/** A message with its particulars (names, numbers, quoted values) taken out, so that one class gathers many inputs. */
export function generalize(message: string): string {
  return message
    .replace(/`[^`]*`/g, '`_`')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"_"')
    .replace(/'[^']*'/g, "'_'")
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}
