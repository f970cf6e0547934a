import { readdirSync, readFileSync } from 'node:fs';

/** A process of this machine. */
export interface HostProcess {
  readonly pid: number;
  /** Its arguments joined by spaces. */
  readonly cmdline: string;
}

/** Every process whose command line contains `text`: the harness's processes name their directory there. */
export function processesMentioning(text: string): HostProcess[] {
  const found: HostProcess[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push({ pid: Number(pid), cmdline });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Whether a process of that id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
