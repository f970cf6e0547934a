import type { System } from '../model/system.js';
import { appLabel, SID_LABEL } from './system-labels.js';

/**
 * The labels that identify one compose service's pods; used as the (immutable) selector. The
 * system id keeps two systems of one project apart.
 */
export function selectorLabels(system: System, component: string): Record<string, string> {
  const sid = system.labels[SID_LABEL];
  return { 'app.kubernetes.io/instance': appLabel(system.name), 'app.kubernetes.io/name': component, ...(sid ? { [SID_LABEL]: sid } : {}) };
}

/** Kubernetes' recommended labels and the system's own labels for an object of this system. */
export function objectLabels(system: System, component: string): Record<string, string> {
  return { ...system.labels, ...selectorLabels(system, component), 'app.kubernetes.io/managed-by': 'tychoc', 'app.kubernetes.io/part-of': appLabel(system.name) };
}
