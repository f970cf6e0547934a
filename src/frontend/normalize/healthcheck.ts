import type { Healthcheck } from '../../model/system.js';
import { child, type PNode } from '../tree.js';
import { count, duration, flag, strings, text, type NormalizeContext } from './reader.js';

/** `healthcheck` as an exec command and timings; undefined when absent or disabled. */
export function normalizeHealthcheck(svc: PNode, ctx: NormalizeContext): Healthcheck | undefined {
  const hc = child(svc, 'healthcheck');
  if (!hc || flag(child(hc, 'disable'))) return undefined;
  const test = child(hc, 'test');
  const words = test?.kind === 'seq' ? strings(test) : undefined;
  let command: string[] | undefined;
  if (words) {
    const [form, ...rest] = words;
    if (form === 'NONE') return undefined;
    command = form === 'CMD' ? rest : form === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : words;
  } else {
    const shell = text(test);
    command = shell ? ['/bin/sh', '-c', shell] : undefined;
  }
  const retries = count(child(hc, 'retries'), '`retries`', ctx);
  return {
    ...(command ? { command } : {}),
    intervalSeconds: duration(hc, 'interval', ctx),
    timeoutSeconds: duration(hc, 'timeout', ctx),
    startPeriodSeconds: duration(hc, 'start_period', ctx),
    ...(retries !== undefined ? { retries } : {}),
    pos: hc.pos,
  };
}
