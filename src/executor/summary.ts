import { systemLabels } from '../emit/system-labels.js';
import type { Applied } from './apply.js';
import { WORKLOAD_KINDS } from './rest-mapping.js';
import type { PortStatus } from './status.js';
import type { SystemRef } from './systems.js';

/** A deployed service: its controller, replicas and ports. */
export interface ServiceSummary {
  readonly kind: string;
  readonly replicas?: number;
  readonly ports: readonly PortStatus[];
}

/** What `up` and `apply` print: the system and its services. */
export interface SystemSummary {
  readonly name: string;
  readonly app: string;
  readonly sid: string;
  readonly namespace: string;
  readonly services: Readonly<Record<string, ServiceSummary>>;
}

const serviceOf = (a: Applied) => a.object.metadata.labels?.['app.kubernetes.io/name'] ?? a.object.metadata.name;

/** Summarizes applied objects by compose service: workloads give kind and replicas, Services the ports (with node ports the server assigned). */
export function summarize(system: SystemRef, applied: readonly Applied[]): SystemSummary {
  const services: Record<string, ServiceSummary> = {};
  for (const a of applied) {
    const kind = a.target.type.kind;
    if (!(WORKLOAD_KINDS as readonly string[]).includes(kind)) continue;
    const replicas = a.object['spec']?.replicas as number | undefined;
    services[serviceOf(a)] = { kind, ...(replicas !== undefined ? { replicas } : {}), ports: [] };
  }
  const workloadNames = new Set(applied.filter((a) => services[serviceOf(a)] && a.target.type.kind !== 'Service').map((a) => a.object.metadata.name));
  for (const a of applied) {
    // The Service named as the workload; the ones for its other names (aliases) have no node ports.
    if (a.target.type.kind !== 'Service' || !services[serviceOf(a)] || !workloadNames.has(a.object.metadata.name)) continue;
    const ports = ((a.object['spec']?.ports ?? []) as { port: number; protocol?: string; nodePort?: number }[]).map((p) => ({
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    }));
    services[serviceOf(a)] = { ...services[serviceOf(a)]!, ports };
  }
  const sorted = Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b)));
  return { name: systemLabels(system).name, app: system.app, sid: system.sid, namespace: system.namespace, services: sorted };
}
