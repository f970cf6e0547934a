import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedHunks } from '../src/unified-diff.js';

/** Applies hunks to a text, checking every context and removed line against it. */
function patch(text: string, hunks: string): string {
  const old = text === '' ? [] : text.slice(0, -1).split('\n');
  const out: string[] = [];
  let at = 0;
  const lines = hunks === '' ? [] : hunks.slice(0, -1).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const [, start, oldCount = '1', , newCount = '1'] = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!)!;
    const begin = Number(oldCount) === 0 ? Number(start) : Number(start) - 1;
    out.push(...old.slice(at, begin));
    at = begin;
    let seenOld = 0;
    let seenNew = 0;
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('@@')) {
      const line = lines[++i]!;
      const body = line.slice(1);
      if (line[0] !== '+') {
        expect(old[at]).toBe(body);
        at++;
        seenOld++;
      }
      if (line[0] !== '-') {
        out.push(body);
        seenNew++;
      }
    }
    expect([seenOld, seenNew]).toEqual([Number(oldCount), Number(newCount)]);
  }
  out.push(...old.slice(at));
  return out.map((l) => `${l}\n`).join('');
}

function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-diff-'));
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  try {
    execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    return '';
  } catch (e) {
    // The two header lines carry file names and times.
    return (e as { stdout: string }).stdout.split('\n').slice(2).join('\n');
  }
}

const text = (ls: readonly string[]) => ls.map((l) => `${l}\n`).join('');

describe('unifiedHunks', () => {
  it('is empty for equal texts', () => {
    expect(unifiedHunks('a\nb\n', 'a\nb\n')).toBe('');
    expect(unifiedHunks('', '')).toBe('');
  });

  it('prints what GNU diff -u prints for a changed object, a new one and a removed one', () => {
    const before = text(['kind: Deployment', 'metadata:', '  name: web', 'spec:', '  replicas: 1', '  template:', '    spec:', '      containers:', '      - image: nginx:1.27', '        name: web', '        ports:', '        - containerPort: 80']);
    const after = before.replace('nginx:1.27', 'nginx:1.28').replace('replicas: 1', 'replicas: 2');
    for (const [a, b] of [[before, after], ['', before], [before, ''], [before, `${before}extra: 1\n`]] as const) {
      expect(unifiedHunks(a, b)).toBe(gnuDiff(a, b));
    }
  });

  it('gives hunks that turn the old text into the new, with counts that match their lines', () => {
    const doc = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 40 }).map(text);
    fc.assert(fc.property(doc, doc, fc.integer({ min: 0, max: 4 }), (a, b, context) => {
      const hunks = unifiedHunks(a, b, context);
      expect(hunks === '').toBe(a === b);
      expect(patch(a, hunks)).toBe(b);
    }), { numRuns: 500 });
  });
});
