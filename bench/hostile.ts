import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Inputs that once took the compiler seconds or minutes (found by `npm run fuzz`): each has to end
 * in objects or in diagnostics in time linear in its size.
 */
export const HOSTILE: readonly { readonly input: string; readonly text: () => string }[] = [
  {
    // Every alias was resolved by walking the whole document.
    input: '600 services sharing an x- block through 5 levels of aliases',
    text: () => {
      const levels = ['x-a0: &a0 {image: nginx, environment: {A: "1"}}', ...Array.from({ length: 4 }, (_, i) => `x-a${i + 1}: &a${i + 1} {<<: *a${i}, labels: {l${i}: v}}`)];
      return `${levels.join('\n')}\nservices:\n${Array.from({ length: 600 }, (_, i) => `  s${i}: *a4\n`).join('')}`;
    },
  },
  {
    // Each unknown key was compared in full with every known one for a suggestion.
    input: '1.2 MB of unknown keys',
    text: () => `services:\n  web:\n    image: nginx\n${Array.from({ length: 4000 }, (_, i) => `    unknown-${i}-${'k'.repeat(280)}: 1\n`).join('')}`,
  },
  {
    // The parser recursed once per level and overflowed the stack at a depth that varied between runs.
    input: '5 000 nested flow sequences',
    text: () => `services:\n  web:\n    image: nginx\n    command: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  },
  {
    // Each key of a mapping was compared with every earlier key to find duplicates.
    input: '10 000 two-line services',
    text: () => `services:\n${Array.from({ length: 10_000 }, (_, i) => `  s${i}:\n    image: nginx\n`).join('')}`,
  },
];

/** Writes each hostile input as `<dir>/hostile-<i>/compose.yaml`; returns the paths in HOSTILE's order. */
export function writeHostile(dir: string): string[] {
  return HOSTILE.map((h, i) => {
    const projectDir = join(dir, `hostile-${i}`);
    mkdirSync(projectDir, { recursive: true });
    const file = join(projectDir, 'compose.yaml');
    writeFileSync(file, h.text());
    return file;
  });
}
