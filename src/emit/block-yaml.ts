import { Document } from 'yaml';

/**
 * Manifests as block YAML without building `yaml`'s document: the same bytes `yaml` writes for a
 * YAML 1.1 document (lineWidth 0), for manifests whose every string `yaml` writes on one line,
 * plain or double-quoted without escapes, and whose numbers are integers. Undefined for any other
 * manifest, which the caller gives to `yaml`.
 * A third of a large project's compile went to building and walking that document.
 */
export function blockYaml(value: unknown): string | undefined {
  const out: string[] = [];
  return writeValue(value, '', out, true) ? out.join('') : undefined;
}

/** Writes `value` as the content after `key:` (or at the top); false when it cannot be written here. */
function writeValue(value: unknown, indent: string, out: string[], top: boolean): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(top ? '[]\n' : ' []\n');
      return true;
    }
    if (!top) out.push('\n');
    const inner = top ? indent : `${indent}  `;
    for (const item of value) {
      out.push(`${inner}- `);
      if (!writeItem(item, `${inner}  `, out)) return false;
    }
    return true;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      out.push(top ? '{}\n' : ' {}\n');
      return true;
    }
    if (!top) out.push('\n');
    return writeEntries(entries, top ? indent : `${indent}  `, out, false);
  }
  const text = scalar(value);
  if (text === undefined) return false;
  out.push(top ? `${text}\n` : ` ${text}\n`);
  return true;
}

/** A sequence item after its `- `: a map's first key on the same line, a list's first item too. */
function writeItem(item: unknown, indent: string, out: string[]): boolean {
  if (Array.isArray(item)) {
    if (item.length === 0) {
      out.push('[]\n');
      return true;
    }
    for (const [i, inner] of item.entries()) {
      out.push(i === 0 ? '- ' : `${indent}- `);
      if (!writeItem(inner, `${indent}  `, out)) return false;
    }
    return true;
  }
  if (item !== null && typeof item === 'object') {
    const entries = Object.entries(item);
    if (entries.length === 0) {
      out.push('{}\n');
      return true;
    }
    return writeEntries(entries, indent, out, true);
  }
  const text = scalar(item);
  if (text === undefined) return false;
  out.push(`${text}\n`);
  return true;
}

function writeEntries(entries: [string, unknown][], indent: string, out: string[], firstInline: boolean): boolean {
  for (const [i, [key, v]] of entries.entries()) {
    const text = v === undefined ? undefined : written(key);
    if (text === undefined) return false;
    out.push(i === 0 && firstInline ? `${text}:` : `${indent}${text}:`);
    if (!writeValue(v, indent, out, false)) return false;
  }
  return true;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return written(value);
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return undefined;
}

// Strings `yaml` writes plain whatever their place: no indicator first, no `: `, ` #`, quotes,
// brackets or control characters anywhere, no space or `:` last.
const PLAIN_SHAPE = /^(?:[A-Za-z0-9_./(]|--?[A-Za-z0-9])(?:[A-Za-z0-9_./()=+@:-]| (?![ #]))*$/;
// Strings YAML 1.1 or 1.2 could read as something else (numbers, booleans, null, dates) start so;
// for those `yaml` itself decides, once per string: plain, or double-quoted.
const MAYBE_TYPED = /^(?:[-+.~0-9]|(?:y|yes|n|no|true|false|on|off|null)$)/i;
const decided = new Map<string, string | undefined>();

/** `s` as `yaml` writes it in a 1.1 document, when that is on one line without escapes; else undefined. */
function written(s: string): string | undefined {
  if (!PLAIN_SHAPE.test(s) || s.endsWith(':') || s.endsWith(' ') || s.includes(': ') || s.startsWith('---')) return undefined;
  if (!MAYBE_TYPED.test(s)) return s;
  if (!decided.has(s)) {
    // 0o17 is octal under YAML 1.2 only; serialize.ts quotes it, which this writer leaves to it.
    const text = /^[-+]?0o[0-7]+$/.test(s) ? undefined : new Document(s, { version: '1.1' }).toString({ lineWidth: 0 }).slice(0, -1);
    decided.set(s, text === s || text === `"${s}"` ? text : undefined);
  }
  return decided.get(s);
}
