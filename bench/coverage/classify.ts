import type { Conversion } from './convert.js';

/**
 * What a tool does with one key of one file, told by converting the file without the key:
 * - `required`: without it the conversion fails;
 * - `mapped`: the manifests change;
 * - `dropped`: the manifests stay the same, but a warning about it goes away;
 * - `no change`: neither; the tool ignores the key silently, or its value is what the tool does
 *   anyway (`restart: always`, a default port protocol).
 * A mapped key can also be warned about (a value adjusted, a setting it half honours).
 */
export type Status = 'required' | 'mapped' | 'dropped' | 'no change';
export const STATUSES: readonly Status[] = ['required', 'mapped', 'dropped', 'no change'];

export interface KeyEffect {
  readonly status: Status;
  /** The warnings that went away with the key. */
  readonly warnings: readonly string[];
}

/** Warnings in `base` that `ablated` no longer has, counting repeats. */
function lost(base: readonly string[], ablated: readonly string[]): string[] {
  const left = [...ablated];
  return base.filter((w) => {
    const i = left.indexOf(w);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

export function classify(base: Conversion, ablated: Conversion): KeyEffect {
  const warnings = lost(base.warnings, ablated.warnings);
  if (!ablated.kinds) return { status: 'required', warnings };
  if (ablated.output !== base.output) return { status: 'mapped', warnings };
  return { status: warnings.length ? 'dropped' : 'no change', warnings };
}
