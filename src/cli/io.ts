/** Process exit codes: input errors and usage errors are told apart for scripts. */
export enum ExitCode {
  ok = 0,
  input = 1,
  usage = 2,
  internal = 70,
}

/** The process as commands see it; main.ts supplies the real one, tests their own. */
export interface Io {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard error is a terminal: text diagnostics may be coloured. */
  readonly stderrIsTTY?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: ExitCode): void;
}
