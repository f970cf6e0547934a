import { statSync } from 'node:fs';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { child, nodeAt, type PMap } from '../frontend/tree.js';
import { composeSource } from './compose-source.js';
import { inlineKey } from './inline.js';
import { plainWithoutResets } from './merge.js';
import { directoryOf, shown } from './sources.js';
import type { Quantities, RegistryData, ResolvedApp } from './types.js';
import { durationMs } from './durations.js';
import { cpus, quantityBytes as bytes } from '../quantities.js';

/** The first layer of every app, under the registry's `defaults`. */
export const BUILTIN_APP = {
  env: {},
  expose: {},
  resources: { defaults: {}, max: {} },
  gpu: { resource: 'nvidia.com/gpu', toleration: true },
  probes: true,
} as const;

/** A merged app definition as apps.yaml's schema describes it (every layer was valid). */
interface AppFields {
  name?: string;
  description?: string;
  docs?: string;
  icon?: string;
  env?: Record<string, string | number | boolean>;
  expose?: Record<string, number>;
  resources?: { defaults?: WrittenQuantities; max?: WrittenQuantities };
  gpu?: { resource?: string; toleration?: boolean };
  securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  probes?: boolean;
  proxy?: { service: string; port: number; rewrite?: string };
  instances?: number;
  maxAge?: string;
  idle?: string;
}

interface WrittenQuantities {
  cpu?: string | number;
  memory?: string | number;
  gpus?: number;
}

/**
 * An app from its merged definition: its compose file found (read, fetched or inline), quantities
 * and durations read. Problems are reported at the key of the layer that wrote the value.
 */
export function toResolvedApp(id: string, context: string, merged: PMap, pos: SourcePos, data: RegistryData, diagnostics: Diagnostic[]): ResolvedApp | undefined {
  const fields = plainWithoutResets(merged) as AppFields;
  const where = `app \`${id}\` of context \`${context}\``;
  const compose = composeOf(merged, where, pos, data, diagnostics);
  const resources = { defaults: quantities(fields.resources?.defaults), max: quantities(fields.resources?.max) };
  const withinMax = checkWithinMax(merged, resources, where, diagnostics);
  if (!compose || !withinMax) return undefined;
  return {
    id,
    context,
    name: fields.name ?? id,
    ...pick(fields, 'description', 'docs', 'icon'),
    compose,
    env: Object.fromEntries(Object.entries(fields.env ?? {}).map(([k, v]) => [k, String(v)])),
    expose: { ...fields.expose },
    resources,
    gpu: { resource: fields.gpu?.resource ?? BUILTIN_APP.gpu.resource, toleration: fields.gpu?.toleration ?? BUILTIN_APP.gpu.toleration },
    ...(fields.securityContext ? { securityContext: { ...fields.securityContext } } : {}),
    probes: fields.probes ?? BUILTIN_APP.probes,
    ...(fields.proxy ? { proxy: { ...fields.proxy } } : {}),
    ...pick(fields, 'instances'),
    ...(fields.maxAge !== undefined ? { maxAgeMs: durationMs(fields.maxAge) } : {}),
    ...(fields.idle !== undefined ? { idleMs: durationMs(fields.idle) } : {}),
    pos,
  };
}

function composeOf(merged: PMap, where: string, pos: SourcePos, data: RegistryData, diagnostics: Diagnostic[]): ResolvedApp['compose'] | undefined {
  const entry = merged.entries.get('compose');
  if (!entry) {
    const message = `${where} names no compose file: give it \`compose:\` with \`{repository, path}\`, \`{path}\` or \`{inline}\``;
    diagnostics.push({ severity: 'error', code: Codes.noComposeSource, message, pos });
    return undefined;
  }
  // Repositories and paths were checked when the registry was loaded.
  const source = composeSource(entry.value, data.base, data.repositories);
  if ('code' in source) return undefined;
  if ('inline' in source) return data.inline.get(inlineKey(source.inline));
  const file = source.file;
  const fail = (message: string, severity: Diagnostic['severity'] = 'error', code: string = Codes.unreadableSource) =>
    diagnostics.push({ severity, code, message: `compose file ${shown(file, directoryOf(data.base))} of ${where}: ${message}`, pos: entry.keyPos });
  if ('path' in file) {
    if (!isFile(file.path)) return void fail('no such file');
    return { path: file.path };
  }
  // Every URL a compose source names was fetched when the registry was loaded.
  const fetched = data.fetched.get(file.url)!;
  if ('error' in fetched) return void fail(`cannot fetch it: ${fetched.error}`);
  if (fetched.stale) fail(`cannot fetch it: ${fetched.stale}`, 'warning', Codes.staleSource);
  return { text: fetched.text, name: file.url };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function quantities(written: WrittenQuantities | undefined): Quantities {
  return {
    ...(written?.cpu !== undefined ? { cpu: String(written.cpu) } : {}),
    ...(written?.memory !== undefined ? { memory: String(written.memory) } : {}),
    ...(written?.gpus !== undefined ? { gpus: written.gpus } : {}),
  };
}

/** A quantity as a number to compare: CPUs, bytes or GPUs (the schema admitted each). */
function amount(kind: keyof Quantities, quantity: string | number): number {
  return kind === 'cpu' ? cpus(String(quantity))! : kind === 'memory' ? bytes(String(quantity))! : Number(quantity);
}

/** What a launch gets by default must be something it may ask for. */
function checkWithinMax(merged: PMap, resources: ResolvedApp['resources'], where: string, diagnostics: Diagnostic[]): boolean {
  let ok = true;
  for (const kind of ['cpu', 'memory', 'gpus'] as const) {
    const [value, max] = [resources.defaults[kind], resources.max[kind]];
    if (value === undefined || max === undefined || amount(kind, value) <= amount(kind, max)) continue;
    const at = nodeAt(merged, ['resources', 'defaults', kind]);
    const message = `${where}: \`resources.defaults.${kind}\` ${value} is more than \`resources.max.${kind}\` ${max}`;
    diagnostics.push({ severity: 'error', code: Codes.invalidRegistry, message, pos: at?.keyPos ?? at?.node.pos ?? child(merged, 'resources')!.pos });
    ok = false;
  }
  return ok;
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
