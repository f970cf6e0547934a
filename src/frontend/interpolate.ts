import type { SourcePos } from '../diagnostics.js';

/**
 * Compose-spec variable interpolation, matching compose-go's `template` package:
 * `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`, `$$`.
 */

/** A variable's value and, when known, where it was defined (a `.env` line, say). */
export interface Variable {
  readonly value: string;
  readonly pos?: SourcePos;
}

/** Resolves a variable name; `undefined` means unset, which differs from set-but-empty. */
export type Lookup = (name: string) => Variable | undefined;

/** An interpolated string and the definitions of the variables that decided its value. */
export interface Interpolated {
  readonly value: string;
  /** Positions of the defined variables consulted, deduplicated, in order of first use. */
  readonly origins: readonly SourcePos[];
}

/** A malformed `$` expression ('syntax') or a `${VAR?err}` whose variable has no value ('required'). */
export class InterpolationError extends Error {
  constructor(
    message: string,
    /** Index in the interpolated text of the `$` that starts the offending expression. */
    readonly offset: number,
    readonly kind: 'syntax' | 'required',
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

interface Context {
  readonly text: string;
  readonly lookup: Lookup;
  readonly origins: Map<string, SourcePos>;
}

/** Longest first, so `:-` is not read as `:` followed by a `-` default. */
const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;
type Operator = (typeof OPERATORS)[number];

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** Substitutes $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, ${VAR+alt}; `$$` is a literal `$`. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const ctx: Context = { text, lookup, origins: new Map() };
  const value = expand(ctx, 0, text.length);
  return { value, origins: [...ctx.origins.values()] };
}

/** Expands `text[from, to)`; nested operands are expanded lazily, only when their branch is taken. */
function expand(ctx: Context, from: number, to: number): string {
  const { text } = ctx;
  let out = '';
  let i = from;
  while (i < to) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0 || dollar >= to) return out + text.slice(i, to);
    out += text.slice(i, dollar);
    const next = dollar + 1 < to ? text[dollar + 1] : '';
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const braced = expandBraced(ctx, dollar, to);
      out += braced.value;
      i = braced.end;
    } else if (NAME_START.test(next)) {
      const end = nameEnd(text, dollar + 1, to);
      out += resolve(ctx, text.slice(dollar + 1, end))?.value ?? '';
      i = end;
    } else {
      // Not a variable reference: compose-go leaves a lone `$` as it is.
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** Expands the `${...}` starting at `dollar`; `end` is the index just past its closing brace. */
function expandBraced(ctx: Context, dollar: number, to: number): { value: string; end: number } {
  const { text } = ctx;
  const nameFrom = dollar + 2;
  const nameTo = nameFrom < to && NAME_START.test(text[nameFrom]) ? nameEnd(text, nameFrom, to) : nameFrom;
  if (nameTo === nameFrom) throw syntaxError(ctx, dollar);
  const name = text.slice(nameFrom, nameTo);
  if (nameTo < to && text[nameTo] === '}') {
    return { value: resolve(ctx, name)?.value ?? '', end: nameTo + 1 };
  }
  const op = OPERATORS.find((o) => nameTo + o.length <= to && text.startsWith(o, nameTo));
  if (op === undefined) throw syntaxError(ctx, dollar);
  const operandFrom = nameTo + op.length;
  const close = closingBrace(text, operandFrom, to);
  if (close < 0) throw syntaxError(ctx, dollar);
  return { value: apply(ctx, op, name, dollar, operandFrom, close), end: close + 1 };
}

/** Applies `op` to variable `name`, expanding the operand `text[from, to)` only if it is needed. */
function apply(ctx: Context, op: Operator, name: string, dollar: number, from: number, to: number): string {
  const v = resolve(ctx, name);
  const value = v?.value ?? '';
  // The colon forms treat an empty value like an unset one.
  const present = v !== undefined && (!op.startsWith(':') || value !== '');
  switch (op.at(-1)) {
    case '-':
      return present ? value : expand(ctx, from, to);
    case '+':
      return present ? expand(ctx, from, to) : '';
    default: {
      if (present) return value;
      const reason = expand(ctx, from, to);
      const message = `required variable ${name} is missing a value${reason === '' ? '' : `: ${reason}`}`;
      throw new InterpolationError(message, dollar, 'required');
    }
  }
}

/**
 * Index of the `}` that ends an operand starting at `from`, or -1. Mirrors compose-go: the
 * expression must close on its own line; braces are counted, but the character right after
 * each `{` is skipped; with unbalanced braces the last `}` on the line closes it.
 */
function closingBrace(text: string, from: number, to: number): number {
  let depth = 1;
  let last = -1;
  let skip = false;
  for (let i = from; i < to && text[i] !== '\n'; i++) {
    const c = text[i];
    if (c === '}') last = i;
    if (skip) {
      skip = false;
    } else if (c === '}' && --depth === 0) {
      return i;
    } else if (c === '{') {
      depth++;
      skip = true;
    }
  }
  return last;
}

/** Index just past the variable name whose first character is at `from`. */
function nameEnd(text: string, from: number, to: number): number {
  let i = from + 1;
  while (i < to && NAME_PART.test(text[i])) i++;
  return i;
}

/** Looks `name` up and records where it was defined. */
function resolve(ctx: Context, name: string): Variable | undefined {
  const v = ctx.lookup(name);
  if (v?.pos) ctx.origins.set(`${v.pos.file}\0${v.pos.line}\0${v.pos.col}`, v.pos);
  return v;
}

/** compose-go's wording ("invalid interpolation format for ..."), naming the whole text. */
function syntaxError(ctx: Context, dollar: number): InterpolationError {
  const message = `invalid interpolation format for ${JSON.stringify(ctx.text)}. You may need to escape any $ with another $`;
  return new InterpolationError(message, dollar, 'syntax');
}
