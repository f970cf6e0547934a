import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';

/** A child process running in its own process group, with stdout and stderr in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Exit code or signal name once the process has exited, otherwise undefined. */
  exitStatus(): string | undefined;
  /** Signals the whole process group (SIGTERM, then SIGKILL after a grace period) and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

// Everything still running, so that it can be killed when the test process goes away.
const running = new Set<ManagedProcess>();
const dirsToRemove = new Set<string>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function killEverythingNow(): void {
  for (const p of running) killGroup(p.pid, 'SIGKILL');
  running.clear();
  for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true });
  dirsToRemove.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL the groups and remove temp dirs.
  process.on('exit', killEverythingNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killEverythingNow();
      process.removeListener(signal, onSignal);
      // Only re-raise when nobody else handles the signal, to keep its default effect.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// Detached shells that clean up if this Node process dies without running its exit hooks
// (e.g. a SIGKILLed test worker). Each ends on its own once there is nothing left to do.
function startWatchdog(script: string, ...args: string[]): void {
  spawn('/bin/sh', ['-c', script, 'watchdog', ...args], { detached: true, stdio: 'ignore' }).unref();
}

/** Removes `dir` when the test process exits (even by SIGKILL); the returned function cancels that unless it already happened. */
export function removeOnExit(dir: string): () => void {
  installExitHooks();
  dirsToRemove.add(dir);
  // The 2 s pause lets the watchdogs of startProcess kill the cluster processes first.
  startWatchdog(
    `while kill -0 ${process.pid} 2>/dev/null && [ -d "$1" ]; do sleep 1; done; ` +
      `[ -d "$1" ] && sleep 2 && rm -rf "$1"; exit 0`,
    dir,
  );
  return () => void dirsToRemove.delete(dir);
}

/**
 * Runs `script` (with `env` added) once this process has died while `ownerFile` still names it:
 * for state that killing process groups does not remove. Removing the file first disarms it.
 */
export function onOrphaned(script: string, env: Record<string, string>, ownerFile: string): void {
  spawn(
    '/bin/sh',
    ['-c', 'while kill -0 "$1" 2>/dev/null && [ "$(cat "$2" 2>/dev/null)" = "$1" ]; do sleep 1; done; ' +
      '[ "$(cat "$2" 2>/dev/null)" = "$1" ] && sleep 2 && bash "$3" && rm -f "$2"; exit 0', 'watchdog', String(process.pid), ownerFile, script],
    { detached: true, stdio: 'ignore', env: { ...process.env, ...env } },
  ).unref();
}

/** Starts `command` in a new process group with output appended to `logFile`; it is killed if the test process exits. */
export function startProcess(name: string, command: string, args: readonly string[], logFile: string): ManagedProcess {
  installExitHooks();
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    child.on('error', () => {}); // reported by the throw below instead
    throw new Error(`cannot start ${name} (${command}); see ${logFile}`);
  }
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      status = signal ?? String(code);
      running.delete(proc);
      resolve();
    });
    child.on('error', (err) => {
      status = `spawn error: ${err.message}`;
      running.delete(proc);
      resolve();
    });
  });
  const proc: ManagedProcess = {
    name,
    pid,
    logFile,
    exitStatus: () => status,
    async stop(graceMs = 5000) {
      if (status === undefined) {
        killGroup(pid, 'SIGTERM');
        const timer = new Promise<'timeout'>((r) => setTimeout(r, graceMs, 'timeout').unref());
        if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
        await exited;
      }
      // Children that outlived the leader are still in its group.
      killGroup(pid, 'SIGKILL');
    },
  };
  running.add(proc);
  startWatchdog(
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 -${pid} 2>/dev/null; do sleep 1; done; ` +
      `kill -KILL -${pid} 2>/dev/null; exit 0`,
  );
  return proc;
}

/** The last `lines` lines of a log file, for error messages. */
export function tailLog(logFile: string, lines = 30): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined; fails early if `proc` exits, with its log tail. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  proc?: ManagedProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    const status = proc?.exitStatus();
    if (proc !== undefined && status !== undefined) {
      throw new Error(`${proc.name} exited (${status}) while waiting for ${what}; last log lines:\n${tailLog(proc.logFile)}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      const log = proc === undefined ? '' : `\nlast lines of ${proc.logFile}:\n${tailLog(proc.logFile)}`;
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
