import type { KeyValue, Resources, Workload } from '../../model/system.js';
import { Codes } from '../codes.js';
import { asMap } from '../merge.js';
import { child, type PNode } from '../tree.js';
import { bytes, count, entries, report, strings, text, type NormalizeContext } from './reader.js';

/** The workload kind: `deploy.mode: global`, `restart: "no"`/`on-failure`, or replicas. */
export function normalizeWorkload(svc: PNode, ctx: NormalizeContext): Workload {
  const deploy = child(svc, 'deploy');
  if (text(child(deploy, 'mode')) === 'global') return { type: 'global' };
  const restartNode = text(child(svc, 'restart')) !== undefined ? child(svc, 'restart') : child(child(deploy, 'restart_policy'), 'condition');
  const restart = text(restartNode);
  if (restart === 'no' || restart === 'none') return { type: 'job', restart: 'never' };
  if (restart?.startsWith('on-failure')) {
    // `on-failure:N` (in `restart` or, less usual, the restart policy's condition), or `max_attempts` in deploy's restart policy.
    const [, written] = restart.split(':');
    const attempts = written !== undefined ? count(scalarAt(written, restartNode!), 'the number of restarts in `on-failure:N`', ctx) : count(child(child(deploy, 'restart_policy'), 'max_attempts'), '`max_attempts`', ctx);
    return { type: 'job', restart: 'on-failure', ...(attempts !== undefined ? { maxRetries: attempts } : {}) };
  }
  const replicasNode = child(deploy, 'replicas') ?? child(svc, 'scale');
  const replicas = count(replicasNode, replicasNode === child(svc, 'scale') ? '`scale`' : '`deploy.replicas`', ctx);
  return { type: 'replicated', replicas: replicas ?? 1 };
}

/** A part of a scalar's text, positioned at the scalar. */
function scalarAt(value: string, at: PNode): PNode {
  return { kind: 'scalar', value, pos: at.pos };
}

/** `deploy.resources` limits and reservations (and the legacy `cpus`/`mem_limit` keys). */
export function normalizeResources(svc: PNode, ctx: NormalizeContext): Resources {
  const res = child(child(svc, 'deploy'), 'resources');
  const limits = child(res, 'limits');
  const reservations = child(res, 'reservations');
  const gpus = gpuRequest(svc, reservations);
  return {
    cpuLimit: millicores(child(limits, 'cpus') ?? child(svc, 'cpus'), ctx),
    cpuRequest: millicores(child(reservations, 'cpus'), ctx),
    memoryLimitBytes: bytes(limits, 'memory', ctx) ?? bytes(svc, 'mem_limit', ctx),
    memoryRequestBytes: bytes(reservations, 'memory', ctx) ?? bytes(svc, 'mem_reservation', ctx),
    ...(gpus ? { gpus } : {}),
  };
}

function millicores(node: PNode | undefined, ctx: NormalizeContext): number | undefined {
  const value = text(node);
  if (value === undefined) return undefined;
  const cpus = Number(value);
  if (!Number.isFinite(cpus) || cpus < 0) {
    report(ctx, Codes.invalidValue, `cpus must be a number of CPUs such as 0.5, not ${JSON.stringify(value)}`, node!);
    return undefined;
  }
  return Math.round(cpus * 1000);
}

/** GPUs from `deploy.resources.reservations.devices` (capability gpu) or the `gpus` key. */
function gpuRequest(svc: PNode, reservations: PNode | undefined): Resources['gpus'] {
  const devices = child(reservations, 'devices');
  for (const d of devices?.kind === 'seq' ? devices.items : []) {
    if (!strings(child(d, 'capabilities')).includes('gpu')) continue;
    const ids = strings(child(d, 'device_ids'));
    const count = text(child(d, 'count'));
    return { count: ids.length > 0 ? ids.length : count === 'all' ? 'all' : Number(count ?? 1), pos: d.pos };
  }
  const gpus = child(svc, 'gpus');
  if (gpus?.kind === 'scalar' && gpus.value === 'all') return { count: 'all', pos: gpus.pos };
  return undefined;
}

/** compose `labels` and `deploy.labels`, in that order. */
export function normalizeLabels(svc: PNode): KeyValue[] {
  const out = new Map<string, KeyValue>();
  for (const node of [child(svc, 'labels'), child(child(svc, 'deploy'), 'labels')]) {
    for (const [key, value, pos] of entries(node ? asMap(node) : undefined)) out.set(key, { key, value: text(value) ?? '', pos });
  }
  return [...out.values()];
}
