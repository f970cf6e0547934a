import { child, type PNode } from './tree.js';

/** A service volume as the short syntax writes it: `[SOURCE:]TARGET[:MODE]`. */
export interface VolumeSpec {
  readonly type: 'volume' | 'bind';
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** Paths start with `.`, `/` or `~`; anything else before the colon names a volume. */
function isPath(source: string): boolean {
  return /^(\.|\/|~|[A-Za-z]:[\\/])/.test(source);
}

/** Reads the short volume syntax; undefined when it has no target. */
export function parseVolumeSpec(text: string): VolumeSpec | undefined {
  const parts = splitVolume(text);
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  if (parts.length === 1) return { type: 'volume', target: parts[0]!, readOnly: false };
  const [source, target, mode = ''] = parts as [string, string, string?];
  const modes = mode.split(',');
  return { type: isPath(source) ? 'bind' : 'volume', source, target, readOnly: modes.includes('ro') };
}

/** Splits on colons, keeping a Windows drive letter (`C:\`) with its path. */
function splitVolume(text: string): string[] {
  const parts = text.split(':');
  if (parts.length > 1 && /^[A-Za-z]$/.test(parts[0]!) && /^[\\/]/.test(parts[1] ?? '')) {
    return [`${parts[0]}:${parts[1]}`, ...parts.slice(2)];
  }
  return parts;
}

/** The mount path of a short- or long-syntax volume entry: its identity when files merge. */
export function volumeTarget(item: PNode): string | undefined {
  if (item.kind === 'scalar') return typeof item.value === 'string' ? parseVolumeSpec(item.value)?.target : undefined;
  const target = child(item, 'target');
  return target?.kind === 'scalar' ? String(target.value) : undefined;
}
