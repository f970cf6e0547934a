import { App, Chart } from '../../constructs/cdk8s.js';
import { FileSet } from '../../constructs/file-set.js';
import { NetworkService } from '../../constructs/network-service.js';
import { VolumeClaim } from '../../constructs/volume-claim.js';
import { Workload, type WorkloadKind } from '../../constructs/workload.js';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import type { Service, System } from '../model/system.js';
import { isQualifiedKey, objectLabels, selectorLabels } from './labels.js';
import { dnsLabel, joinedLabel, portName } from './names.js';
import { addNetworkPolicies } from './network-policies.js';
import { podSpec } from './pod.js';
import { addRoutes } from './routes.js';

export interface EmitOptions {
  readonly namespace?: string;
}

/** A Kubernetes object as plain JSON, ready to serialize. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/** Builds the system's constructs in a cdk8s chart and synthesizes them to plain objects. */
export function emitManifests(system: System, opts: EmitOptions, diagnostics: Diagnostic[]): Manifest[] {
  const chart = new Chart(new App(), system.name, { disableResourceNameHashes: true, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  checkNames(system, diagnostics);
  for (const svc of system.services) addService(chart, system, svc, diagnostics);
  addRoutes(chart, system);
  addNetworkPolicies(chart, system);
  for (const v of system.volumes) {
    if (v.external || !v.claim || !isMounted(system, v.name)) continue;
    new VolumeClaim(chart, `volume-${v.name}`, {
      name: joinedLabel(system.name, v.name),
      labels: objectLabels(system, dnsLabel(v.name)),
      size: v.claim.size,
      accessMode: v.claim.accessMode,
      ...(v.claim.storageClass ? { storageClass: v.claim.storageClass } : {}),
    });
  }
  for (const [objects, secret] of [[system.configs, false], [system.secrets, true]] as const) {
    for (const o of objects) {
      if (o.external || !o.content) continue;
      new FileSet(chart, `${secret ? 'secret' : 'config'}-${o.name}`, {
        name: joinedLabel(system.name, o.name),
        labels: objectLabels(system, dnsLabel(o.name)),
        files: new Map([[o.key, o.content]]),
        secret,
      });
    }
  }
  return chart.toJson() as Manifest[];
}

function isMounted(system: System, volume: string): boolean {
  return system.services.some((s) =>
    s.container.mounts.some((m) => (m.type === 'volume' && m.volume === volume) || (m.type === 'bind' && m.placement?.type === 'claim' && m.placement.claim === volume)),
  );
}

function addService(chart: Chart, system: System, svc: Service, diagnostics: Diagnostic[]): void {
  const name = dnsLabel(svc.name, true);
  const labels = objectLabels(system, name);
  const selector = selectorLabels(system, name);
  const annotations: Record<string, string> = {};
  for (const a of svc.annotations) {
    if (isQualifiedKey(a.key)) annotations[a.key] = a.value;
    else diagnostics.push({ severity: 'warning', code: Codes.unrepresentable, message: `label \`${a.key}\` of service \`${svc.name}\` is not a valid Kubernetes annotation key and is dropped`, pos: a.pos });
  }
  new Workload(chart, `workload-${svc.name}`, { name, kind: workloadKind(svc), labels, selector, annotations, podSpec: podSpec(system, svc) });
  if (svc.ports.length > 0) {
    const type = svc.exposure ?? 'ClusterIP';
    const ports = svc.ports.map((p) => ({ name: portName(p.protocol, p.target), port: p.target, protocol: p.protocol, ...nodePort(type, p.published) }));
    new NetworkService(chart, `service-${svc.name}`, { name, labels, selector, ports, type, ...(svc.serviceAnnotations ? { annotations: svc.serviceAnnotations } : {}) });
  }
}

/** A published port in the node-port range is kept as the node port, so the address stays the same. */
function nodePort(type: string, published: string | undefined): { nodePort?: number } {
  const port = Number(published);
  return (type === 'NodePort' || type === 'LoadBalancer') && port >= 30000 && port <= 32767 ? { nodePort: port } : {};
}

function workloadKind(svc: Service): WorkloadKind {
  const w = svc.workload;
  if (w.type === 'global') return { type: 'DaemonSet' };
  // Docker retries `on-failure` without limit unless told; Kubernetes needs a number.
  if (w.type === 'job') return { type: 'Job', backoffLimit: w.restart === 'never' ? 0 : (w.maxRetries ?? 6) };
  if (w.stateful) return { type: 'StatefulSet', replicas: w.replicas, serviceName: dnsLabel(svc.name, true) };
  const claims = svc.container.mounts.some((m) => (m.type === 'volume' && m.volume !== undefined) || (m.type === 'bind' && m.placement?.type === 'claim'));
  return { type: 'Deployment', replicas: w.replicas, recreate: claims };
}

/** Compose names that differ only by characters DNS forbids would collide on Kubernetes. */
function checkNames(system: System, diagnostics: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const svc of system.services) {
    const name = dnsLabel(svc.name, true);
    const prior = seen.get(name);
    if (prior !== undefined) {
      diagnostics.push({ severity: 'error', code: Codes.nameCollision, message: `services \`${prior}\` and \`${svc.name}\` both become \`${name}\` on Kubernetes; rename one`, pos: svc.pos });
    } else if (name !== svc.name) {
      diagnostics.push({ severity: 'warning', code: Codes.unrepresentable, message: `service \`${svc.name}\` is reachable as \`${name}\` on Kubernetes (DNS names allow only lowercase letters, digits and '-')`, pos: svc.pos });
    }
    seen.set(name, svc.name);
  }
}
