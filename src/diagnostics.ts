/** Where a value came from: a file and a 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Severity = 'error' | 'warning';

/** One message about the input; data, never printed by library code. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable code, e.g. TYC0301; the catalogue lives in codes.ts. */
  readonly code: string;
  readonly message: string;
  readonly pos?: SourcePos;
  /** The pass or stage that reported it. */
  readonly source?: string;
}

/** Collects diagnostics for one compilation. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  report(d: Diagnostic): void {
    this.list.push(d);
  }

  error(code: string, message: string, pos?: SourcePos): void {
    this.report({ severity: 'error', code, message, pos });
  }

  warn(code: string, message: string, pos?: SourcePos): void {
    this.report({ severity: 'warning', code, message, pos });
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** Thrown when input is so broken that compilation cannot go on; carries what was found. */
export class InputError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'InputError';
  }
}

/** Items for a message, the first `max` of a long list and how many more: one message stays one line. */
export function listed(items: readonly string[], max = 10): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** `file:line:col severity CODE message`, on one line; `file` as `where` names it (e.g. relative to a directory). */
export function diagnosticLine(d: Diagnostic, where: (file: string) => string = (file) => file): string {
  return `${d.pos ? `${where(d.pos.file)}:${d.pos.line}:${d.pos.col} ` : ''}${d.severity} ${d.code} ${d.message}`;
}
