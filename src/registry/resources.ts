import { cpus, quantityBytes as bytes } from '../quantities.js';

/** What a launch may ask for: CPUs and memory as Kubernetes quantities, GPUs as a count. */
export interface Quantities {
  readonly cpu?: string;
  readonly memory?: string;
  readonly gpus?: number;
}

/** The launch's resources: each one asked for, else the app's default. */
export function chosenResources(defaults: Quantities, asked: Quantities): Quantities {
  const cpu = asked.cpu ?? defaults.cpu;
  const memory = asked.memory ?? defaults.memory;
  const gpus = asked.gpus ?? defaults.gpus;
  return { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}), ...(gpus !== undefined ? { gpus } : {}) };
}

/**
 * Why `chosen` cannot be launched: each resource that is not a quantity, or above the app's
 * maximum. GPUs are costly: without a maximum, no more than the app's default (none by default).
 */
export function resourceProblems(app: string, chosen: Quantities, limits: { readonly defaults: Quantities; readonly max: Quantities }): string[] {
  const max = limits.max;
  const problems: string[] = [];
  const check = (what: string, value: string | number | undefined, limit: string | number | undefined, parse: (s: string) => number | undefined) => {
    if (value === undefined) return;
    const n = typeof value === 'number' ? value : parse(value);
    if (n === undefined) return void problems.push(`${what} ${JSON.stringify(value)} is not a quantity such as ${what === 'cpu' ? '500m or 2' : '512Mi or 4Gi'}`);
    const m = limit === undefined ? undefined : typeof limit === 'number' ? limit : parse(limit);
    if (m !== undefined && n > m) problems.push(`${what} ${value} is more than app ${app} allows (${limit})`);
  };
  check('cpu', chosen.cpu, max.cpu, cpus);
  check('memory', chosen.memory, max.memory, bytes);
  if (chosen.gpus !== undefined && (!Number.isInteger(chosen.gpus) || chosen.gpus < 0)) problems.push(`gpus ${chosen.gpus} is not a whole number`);
  else check('gpus', chosen.gpus, max.gpus ?? limits.defaults.gpus ?? 0, () => undefined);
  return problems;
}
