/** Nanoseconds per Go duration unit. */
const NANOS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
/** A Go duration number: `1`, `1.5`, `.5` and `5.` are all accepted by time.ParseDuration. */
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g;

/** Seconds in a Go-style duration (`1m30s`, `500ms`, `2h`), or undefined if malformed. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return text >= 0 ? text : undefined;
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const parts = [...s.matchAll(DURATION_PART)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== s) return undefined;
  // Summed in nanoseconds, as Go does, so `700ms` is exactly 0.7 and not 0.7000000000000001.
  return parts.reduce((sum, p) => sum + Number(p[1]) * NANOS[p[2]!]!, 0) / 1e9;
}

/**
 * Bytes in a docker byte size (go-units `RAMInBytes`): units are binary (`512m` = 512 MiB),
 * case-insensitive, optionally followed by `b` or `ib`, with at most one space before them;
 * fractions of a byte are truncated, as docker does.
 */
export function parseBytes(text: string | number): number | undefined {
  if (typeof text === 'number') return text >= 0 ? Math.trunc(text) : undefined;
  const m = /^(\d+(?:\.\d*)?|\.\d+) ?(?:([kmgtp])(?:i?b)?|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const power = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  return Math.trunc(Number(m[1]) * 1024 ** power);
}
