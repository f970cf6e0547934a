import type { AutoscaleSpec, KeyValue, Setting } from '../../model/system.js';
import { Codes } from '../codes.js';
import { warn, type NormalizeContext } from './reader.js';

/** Kompose's autoscaler labels and the value each takes when absent or unusable (Kompose 1.37, k8sutils.go). */
const DEFAULTS = {
  'kompose.hpa.replicas.min': 1,
  'kompose.hpa.replicas.max': 3,
  'kompose.hpa.cpu': 50,
  'kompose.hpa.memory': 70,
} as const;
type Label = keyof typeof DEFAULTS;

export const AUTOSCALER_LABELS = Object.keys(DEFAULTS) as readonly Label[];

/**
 * Any `kompose.hpa.*` label asks for an autoscaler; the others take Kompose's defaults. Values
 * Kompose would replace (not a whole number, a utilization outside 1–100, a maximum below the
 * minimum) are replaced the same way, with a warning at the label, so that the file compiles
 * as it did with Kompose. A minimum of 0 is taken as 1: Kubernetes refuses to scale to zero.
 */
export function autoscaleSetting(labels: ReadonlyMap<string, KeyValue>, ctx: NormalizeContext, name: string): Setting<AutoscaleSpec> | undefined {
  const given = [...labels.values()].filter((l): l is KeyValue & { key: Label } => l.key in DEFAULTS);
  if (given.length === 0) return undefined;
  const value = (key: Label, min: number, max: number, what: string): number => {
    const label = given.find((l) => l.key === key);
    if (!label) return DEFAULTS[key];
    const n = /^\s*\d+\s*$/.test(label.value) ? Number(label.value) : NaN;
    if (n >= min && n <= max) return n;
    warn(ctx, Codes.invalidValue, `label \`${key}\` of service \`${name}\` must be ${what}, not ${JSON.stringify(label.value)}; ${DEFAULTS[key]} is used, as Kompose does`, label.pos);
    return DEFAULTS[key];
  };
  const minReplicas = value('kompose.hpa.replicas.min', 1, 2 ** 31 - 1, 'a number of replicas from 1');
  let maxReplicas = value('kompose.hpa.replicas.max', 1, 2 ** 31 - 1, 'a number of replicas from 1');
  if (maxReplicas < minReplicas) {
    const at = given.find((l) => l.key === 'kompose.hpa.replicas.max') ?? given[0]!;
    warn(ctx, Codes.invalidValue, `the autoscaler of service \`${name}\` has a maximum of ${maxReplicas} replicas, below its minimum; ${minReplicas} is used, as Kompose does`, at.pos);
    maxReplicas = minReplicas;
  }
  const cpuUtilization = value('kompose.hpa.cpu', 1, 100, 'a percentage of the CPU request from 1 to 100');
  const memoryUtilization = value('kompose.hpa.memory', 1, 100, 'a percentage of the memory request from 1 to 100');
  return { value: { minReplicas, maxReplicas, cpuUtilization, memoryUtilization }, pos: given[0]!.pos };
}
