import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { compile } from '../../src/compile.js';
import { toYamlStream } from '../../src/emit/serialize.js';
import { cleanEnv } from '../tools.js';

/** What one tool made of one compose text. */
export interface Conversion {
  /** Objects by kind; undefined when the tool failed. */
  readonly kinds?: Readonly<Record<string, number>>;
  /** Why it failed, in its own words (one line). */
  readonly error?: string;
  /** The manifests, for comparing one conversion with another. */
  readonly output: string;
  /** Warnings without positions (which move when lines are cut), one string each. */
  readonly warnings: readonly string[];
}

/** Converts a compose text as if it were a file in `dir` (relative paths and `.env` resolve there). */
export type Converter = (text: string, dir: string) => Conversion;

const countKinds = (kinds: readonly string[]) => kinds.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

export const tychoc: Converter = (text, dir) => {
  const { manifests, diagnostics } = compile({ files: ['-'], cwd: dir, env: {}, readStdin: () => text });
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.code} ${d.message}`);
  if (!manifests) {
    const e = diagnostics.find((d) => d.severity === 'error');
    return { error: e ? `${e.code} ${e.message}` : 'failed', output: '', warnings };
  }
  return { kinds: countKinds(manifests.map((m) => m.kind)), output: toYamlStream(manifests), warnings };
};

// logrus colours its level names even into a pipe.
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();

/**
 * Kompose's message made independent of Go's random map order, so the generated document only
 * changes when a tool does: a list of quoted names is sorted, and of several services without an
 * image, which one Kompose names is left out.
 */
export function stableMessage(message: string): string {
  return message
    .replace(/'[^']*'(?:, '[^']*')+/g, (list) => list.split(', ').sort().join(', '))
    .replace(/service "[^"]*" has neither/g, 'a service has neither');
}

export function kompose(bin: string): Converter {
  return (text, dir) => {
    const res = spawnSync(bin, ['convert', '-f', '-', '--stdout'], { cwd: dir, env: cleanEnv, input: text, encoding: 'utf8', maxBuffer: 1 << 28 });
    const lines = res.stderr.split('\n').map(plain).filter(Boolean);
    const warnings = lines.filter((l) => l.startsWith('WARN ')).map((l) => l.slice(5));
    if (res.status !== 0) {
      const fatal = lines.find((l) => l.startsWith('FATA ')) ?? lines.at(-1) ?? `exit ${res.status}`;
      return { error: stableMessage(fatal.replace(/^FATA /, '')), output: '', warnings };
    }
    const kinds = parseAllDocuments(res.stdout).flatMap((d) => {
      const kind = d.get('kind');
      return typeof kind === 'string' ? [kind] : [];
    });
    return { kinds: countKinds(kinds), output: res.stdout, warnings };
  };
}
