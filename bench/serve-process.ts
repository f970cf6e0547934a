import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { cleanEnv } from './tools.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A `tychoc serve` process, listening on loopback. */
export interface ServeProcess {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Peak resident set size so far, from /proc. */
  peakRssMiB(): number;
  /** SIGTERM, which lets requests in flight finish; SIGKILL if it has not exited after a while. */
  stop(): Promise<void>;
}

/**
 * Starts `tychoc serve` on any free loopback port and waits until /readyz says the cluster
 * answers. Its request log (one JSON line per request, as in production) goes to `log`.
 */
export async function startServe(opts: { node: string; bin: string; tokenFile: string; kubeconfig: string; log: string }): Promise<ServeProcess> {
  const out = openSync(opts.log, 'a');
  const child = spawn(opts.node, [opts.bin, 'serve', '--host', '127.0.0.1', '--port', '0', '--token-file', opts.tokenFile], {
    env: { ...cleanEnv, KUBECONFIG: opts.kubeconfig },
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tychoc serve did not listen within ${START_TIMEOUT_MS / 1000} s: ${stderr}`)), START_TIMEOUT_MS);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const address = /serving on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (address) {
          clearTimeout(timer);
          resolve(address);
        }
      });
      child.once('exit', (code) => reject(new Error(`tychoc serve exited ${code}: ${stderr}`)));
    });
    await ready(url);
    return {
      url,
      peakRssMiB: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function ready(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz answered ${status} for ${START_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
