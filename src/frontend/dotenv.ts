import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { interpolate, InterpolationError, type Lookup } from './interpolate.js';
import { Lines } from './lines.js';

/**
 * `.env` / `env_file` parsing that reproduces compose-go's `dotenv` parser, quirks included:
 * `KEY=value`, `KEY: value`, `export KEY=value`, bare `KEY` (inherited), `#` comments,
 * single quotes taken literally, double quotes with escapes and interpolation.
 */

/** One variable defined by an env file. */
export interface DotenvEntry {
  readonly value: string;
  /** Line and column of the key. */
  readonly pos: SourcePos;
}

/** The variables an env file defines, in order of first definition, and what went wrong. */
export interface DotenvResult {
  readonly vars: Map<string, DotenvEntry>;
  readonly diagnostics: Diagnostic[];
}

/** Blanks that are not line breaks (compose-go's `isSpace`). */
const BLANK = /[\t\v\f\r \u0085\u00A0]/;
/** Go's `unicode.IsSpace`. */
const WHITE = /\p{White_Space}/u;
const TRAILING_WHITE = /\p{White_Space}+$/u;
/** Besides blanks, the characters compose-go accepts in a key. */
const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
/** compose-go strips `export` followed by Go's `\s`, which includes a newline but not `\v`. */
const EXPORT = /export[\t\n\f\r ]+/y;
/** The double-quote escapes compose-go expands; anything else keeps its backslash. */
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;
const ESCAPED: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\',
  // `\$` becomes the interpolation escape `$$`, so it survives interpolation as a literal `$`.
  $: '$$',
};

type RawValue =
  | { readonly quote: '' | "'" | '"'; readonly raw: string; readonly at: number; readonly end: number }
  | { readonly unterminated: string; readonly at: number };

/**
 * Parses dotenv text; `lookup` resolves variables not defined earlier in the same file (the process environment, etc.).
 * `earlier` holds variables from env files read before this one: compose-go keeps one map across
 * files, so those rank below this file's own definitions, while `lookup` ranks above both.
 */
export function parseDotenv(text: string, file: string, lookup: Lookup, earlier?: Lookup): DotenvResult {
  // Editors on Windows like to add a BOM; compose-go skips it.
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parser = new Parser(src, file, lookup, earlier);
  for (let i = parser.statementStart(0); i < src.length; i = parser.statementStart(i)) i = parser.statement(i);
  return { vars: parser.vars, diagnostics: parser.diagnostics };
}

class Parser {
  readonly vars = new Map<string, DotenvEntry>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: Lines;
  /**
   * Interpolation and bare keys consult `lookup` (the OS environment) before the file itself,
   * as compose-go's `expandVariables` does: an exported shell variable wins over the file.
   */
  private readonly resolve: Lookup;

  constructor(
    private readonly src: string,
    private readonly file: string,
    lookup: Lookup,
    earlier: Lookup | undefined,
  ) {
    this.lines = new Lines(src);
    this.resolve = (name) => lookup(name) ?? this.vars.get(name) ?? earlier?.(name);
  }

  /** Skips whitespace and comment lines; returns where the next statement starts. */
  statementStart(i: number): number {
    const { src } = this;
    while (i < src.length) {
      if (WHITE.test(src[i]!)) i++;
      else if (src[i] === '#') i = lineEnd(src, i);
      else break;
    }
    return i;
  }

  /** Parses the statement at `start`; returns where parsing resumes. */
  statement(start: number): number {
    const { src } = this;
    EXPORT.lastIndex = start;
    // Only blanks are skipped after `export`, even when the pattern matched a line break.
    const keyAt = EXPORT.test(src) ? skipBlanks(src, start + 'export'.length) : start;
    if (keyAt === src.length) {
      this.error('TYC0203', 'missing variable name after "export"', start);
      return keyAt;
    }
    const scan = scanKey(src, keyAt);
    if ('bad' in scan) {
      const line = src.slice(keyAt, lineEnd(src, keyAt));
      this.error('TYC0203', `unexpected character ${JSON.stringify(scan.bad)} in variable name ${JSON.stringify(line)}`, scan.end);
      return lineEnd(src, keyAt);
    }
    const key = src.slice(keyAt, scan.end).replace(TRAILING_WHITE, '');
    // compose-go rejects only a plain space inside a key; tabs and the like pass through.
    const badKey = key.includes(' ');
    if (badKey) this.error('TYC0203', `key ${JSON.stringify(key)} cannot contain a space`, keyAt);
    if (scan.sep !== '=' && scan.sep !== ':') {
      // A bare key inherits its value; with none to inherit it stays undefined.
      const inherited = badKey ? undefined : this.resolve(key);
      if (inherited) this.vars.set(key, { value: inherited.value, pos: this.pos(keyAt) });
      return scan.end;
    }
    const value = readValue(src, skipBlanks(src, scan.end + 1));
    if ('unterminated' in value) {
      this.error('TYC0203', `unterminated quoted value ${value.unterminated} for key ${JSON.stringify(key)}`, value.at);
      return src.length;
    }
    if (!badKey) this.define(key, keyAt, value);
    return value.end;
  }

  /** Escapes and interpolates a raw value as its quoting demands, then records it. */
  private define(key: string, keyAt: number, value: Extract<RawValue, { quote: string }>): void {
    if (value.quote === "'") {
      this.vars.set(key, { value: value.raw, pos: this.pos(keyAt) });
      return;
    }
    const text = value.quote === '"' ? expandEscapes(value.raw) : value.raw;
    try {
      this.vars.set(key, { value: interpolate(text, this.resolve).value, pos: this.pos(keyAt) });
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      // Escapes shift offsets inside double quotes, so point at the opening quote there.
      const at = value.quote === '' ? value.at + e.offset : value.at;
      this.error(e.kind === 'syntax' ? 'TYC0202' : 'TYC0201', `${key}: ${e.message}`, at);
    }
  }

  private error(code: string, message: string, at: number): void {
    this.diagnostics.push({ severity: 'error', code, message, pos: this.pos(at) });
  }

  /** The 1-based line and column of offset `at`. */
  private pos(at: number): SourcePos {
    return { file: this.file, ...this.lines.linePos(at) };
  }
}

/**
 * Finds the end of the key at `from`: the separator (`=`, `:` for the yaml-ish form, or a line
 * break / end of text for a bare key) or the first character compose-go rejects.
 */
function scanKey(src: string, from: number): { end: number; sep: string } | { end: number; bad: string } {
  for (let i = from; i < src.length; ) {
    const c = String.fromCodePoint(src.codePointAt(i)!);
    if (c === '=' || c === ':' || c === '\n') return { end: i, sep: c };
    if (!BLANK.test(c) && !KEY_CHAR.test(c)) return { end: i, bad: c };
    i += c.length;
  }
  // compose-go mis-reads a bare key at end of text without a newline; treat it as inherited.
  return { end: src.length, sep: '' };
}

/** Reads the value at `at`: quoted (possibly multi-line) or the rest of the line. */
function readValue(src: string, at: number): RawValue {
  const quote = src[at];
  if (quote !== '"' && quote !== "'") {
    const end = lineEnd(src, at);
    // Only ` #` starts an inline comment; `a#b` and `a\t#b` keep their `#`.
    const line = src.slice(at, end);
    const cut = line.indexOf(' #');
    const raw = (cut < 0 ? line : line.slice(0, cut)).replace(TRAILING_WHITE, '');
    return { quote: '', raw, at, end };
  }
  let raw = '';
  let escaped = false;
  for (let i = at + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === quote && !escaped) return { quote, raw, at, end: i + 1 };
    if (escaped) {
      // An escaped quote loses its backslash; other escapes are kept for expandEscapes.
      raw += c === quote ? c : `\\${c}`;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else {
      raw += c;
    }
  }
  return { unterminated: src.slice(at, lineEnd(src, at)), at };
}

/** Expands the shell escapes compose-go supports in double quotes: `\n`, `\t`, `\\`, `\0ooo`, ... */
function expandEscapes(raw: string): string {
  return raw.replace(ESCAPE, (m) => {
    if (m[1] !== '0') return ESCAPED[m[1]!] ?? m;
    // `\0` plus exactly three octal digits, at most 0377, is a byte; compose-go drops the `0`
    // of any other `\0...` (`"\012"` gives `\12`).
    const digits = m.slice(2);
    const code = /^[0-7]{3}$/.test(digits) ? parseInt(digits, 8) : 256;
    return code < 256 ? String.fromCharCode(code) : `\\${digits}`;
  });
}

/** Index of the line break ending the line containing `i`, or the text length. */
function lineEnd(src: string, i: number): number {
  const nl = src.indexOf('\n', i);
  return nl < 0 ? src.length : nl;
}

function skipBlanks(src: string, i: number): number {
  while (i < src.length && BLANK.test(src[i]!)) i++;
  return i;
}
