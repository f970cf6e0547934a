import { createHash } from 'node:crypto';
import { escapeKey, escapeKeys } from '../object-keys.js';
import { Autoscaler } from '../../constructs/autoscaler.js';
import { App, Chart } from '../../constructs/cdk8s.js';
import { FileSet } from '../../constructs/file-set.js';
import { NetworkService } from '../../constructs/network-service.js';
import { VolumeClaim } from '../../constructs/volume-claim.js';
import { Workload, type WorkloadKind } from '../../constructs/workload.js';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import type { Isolation, Mount, Service, System } from '../model/system.js';
import { isQualifiedName } from './api-rules.js';
import { objectLabels, selectorLabels } from './labels.js';
import { dnsLabel, joinedLabel, portName } from './names.js';
import { addNetworkPolicies, networkLabels } from './network-policies.js';
import { mergePodSpecs, podMembers } from './groups.js';
import { podSpec } from './pod.js';
import { shardsServiceName } from './shards.js';
import { addIngresses } from './ingresses.js';
import { addRoutes } from './routes.js';
import { guardManifests } from './guard.js';
import { synthesize, traced } from './trace.js';

export interface EmitOptions {
  readonly namespace?: string;
}

/** A Kubernetes object as plain JSON, ready to serialize. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/** Builds the system's constructs in a cdk8s chart and synthesizes them to plain objects. */
export function emitManifests(system: System, opts: EmitOptions, diagnostics: Diagnostic[]): Manifest[] {
  const chart = new Chart(new App(), 'system', { disableResourceNameHashes: true, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  // Two compose names for one Kubernetes name are reported by name; the guard would repeat them per object.
  if (!checkNames(system, diagnostics)) return [];
  const isolation = new Map(system.isolation?.map((i) => [i.service, i]));
  for (const svc of system.services) addService(chart, system, svc, isolation, diagnostics);
  addRoutes(chart, system);
  addIngresses(chart, system);
  addNetworkPolicies(chart, system);
  for (const v of system.volumes) {
    if (v.external || !v.claim || !isMounted(system, v.name)) continue;
    traced(new VolumeClaim(chart, `volume-${v.name}`, {
      name: joinedLabel(system.name, v.name),
      labels: objectLabels(system, dnsLabel(v.name)),
      size: v.claim.size,
      accessMode: v.claim.accessMode,
      ...(v.claim.storageClass ? { storageClass: v.claim.storageClass } : {}),
      // Kompose's selector label, so volumes labelled for Kompose are bound the same.
      ...(v.claim.selector ? { selector: { 'io.kompose.service': v.claim.selector } } : {}),
    }), v.pos);
  }
  for (const set of system.projectFiles ?? []) {
    traced(new FileSet(chart, `files-${set.name}`, {
      name: joinedLabel(system.name, set.name),
      labels: objectLabels(system, dnsLabel(set.name)),
      files: new Map([...set.files].map(([key, f]) => [escapeKey(key), f.content])),
      secret: false,
    }), set.pos);
  }
  for (const [objects, secret] of [[system.configs, false], [system.secrets, true]] as const) {
    for (const o of objects) {
      if (o.external || !o.content) continue;
      traced(new FileSet(chart, `${secret ? 'secret' : 'config'}-${o.name}`, {
        name: joinedLabel(system.name, o.name),
        labels: objectLabels(system, dnsLabel(o.name)),
        files: new Map([[escapeKey(o.key), o.content]]),
        secret,
      }), o.pos);
    }
  }
  const objects = synthesize(chart, system.services[0]!.pos);
  guardManifests(objects, diagnostics);
  return objects.map((o) => o.manifest);
}

function isMounted(system: System, volume: string): boolean {
  return system.services.some((s) =>
    s.container.mounts.some((m) => (m.type === 'volume' && m.volume === volume && !m.ephemeral) || (m.type === 'bind' && m.placement?.type === 'claim' && m.placement.claim === volume)),
  );
}

function addService(chart: Chart, system: System, svc: Service, isolation: ReadonlyMap<string, Isolation>, diagnostics: Diagnostic[]): void {
  const name = dnsLabel(svc.name, true);
  const labels = objectLabels(system, name);
  // A service of a group selects the group's pod.
  const selector = selectorLabels(system, svc.pod ?? name);
  const members = podMembers(system, svc);
  if (members[0] === svc) addWorkload(chart, system, members, isolation, diagnostics);
  // Compose resolves every service by name on any port: a Service with the declared ports, or a
  // headless one without ports (the name resolves to the pods) where none are declared.
  const type = svc.ports.length === 0 ? 'Headless' : (svc.exposure ?? 'ClusterIP');
  const ports = svc.ports.map((p) => ({ name: portName(p.protocol, p.target), port: p.target, protocol: p.protocol, ...(p.nodePort ? { nodePort: p.nodePort } : nodePort(type, p.published)) }));
  const traffic = svc.externalTrafficPolicy ? { externalTrafficPolicy: svc.externalTrafficPolicy } : {};
  traced(new NetworkService(chart, `service-${svc.name}`, { name, labels, selector, ports, type, ...traffic, ...(svc.serviceAnnotations ? { annotations: svc.serviceAnnotations } : {}) }), svc.pos);
  if (svc.sharding) {
    // The StatefulSet's own Service, headless, gives each shard its DNS name; the ports name its SRV records.
    const headless = ports.map(({ nodePort: _, ...p }) => p);
    traced(new NetworkService(chart, `shards-${svc.name}`, { name: shardsServiceName(svc), labels, selector, ports: headless, type: 'Headless' }), svc.settings.shards?.pos ?? svc.pos);
  }
  // Its other names reach the same pods; only the Service of its own name is exposed beyond the cluster.
  const inside = type === 'Headless' ? 'Headless' : 'ClusterIP';
  // Names that are the same on Kubernetes (`a_b` and `a-b`, or the service's own) are one Service.
  const aliases = new Map<string, Service['pos']>();
  for (const other of svc.names) {
    const alias = dnsLabel(other.name, true);
    if (alias !== name && !aliases.has(alias)) aliases.set(alias, other.pos);
  }
  for (const [alias, pos] of aliases) {
    traced(new NetworkService(chart, `name-${alias}`, { name: alias, labels, selector, ports: ports.map(({ nodePort: _, ...p }) => p), type: inside }), pos);
  }
}

/**
 * The workload of a service, or of the services of its group: one pod, its containers side by
 * side, named after the group.
 */
function addWorkload(chart: Chart, system: System, members: readonly Service[], isolation: ReadonlyMap<string, Isolation>, diagnostics: Diagnostic[]): void {
  const svc = members[0]!;
  const name = svc.pod ?? dnsLabel(svc.name, true);
  const labels = objectLabels(system, name);
  const selector = selectorLabels(system, name);
  const annotations: Record<string, string> = {};
  for (const a of members.flatMap((m) => m.annotations)) {
    if (isQualifiedName(a.key)) annotations[a.key] = a.value;
    else diagnostics.push({ severity: 'warning', code: Codes.unrepresentable, message: `label \`${a.key}\` of service \`${svc.name}\` is not a valid Kubernetes annotation key and is dropped`, pos: a.pos });
  }
  const hash = filesHash(system, members);
  const spec = mergePodSpecs(members.map((m) => ({ service: m.name, spec: podSpec(system, m) })));
  const podAnnotations: Record<string, string> = {
    ...(hash ? { [FILES_HASH]: hash } : {}),
    // kubectl exec and logs go to the (first) service's container, not to an init container or another beside it.
    ...(spec.initContainers?.length || spec.containers.length > 1 ? { 'kubectl.kubernetes.io/default-container': spec.containers[0]!.name } : {}),
  };
  const kind = workloadKind(svc, members);
  traced(new Workload(chart, `workload-${svc.name}`, escapeKeys({ name, kind, labels, selector, annotations, podAnnotations, podLabels: Object.assign({}, ...members.map((m) => networkLabels(isolation.get(m.name)))), podSpec: spec })), svc.pos);
  if (svc.autoscaler && (kind.type === 'Deployment' || kind.type === 'StatefulSet')) {
    const { minReplicas, maxReplicas, cpuUtilization, memoryUtilization } = svc.autoscaler;
    traced(new Autoscaler(chart, `autoscaler-${svc.name}`, { name, labels, target: { kind: kind.type, name }, minReplicas, maxReplicas, cpuUtilization, memoryUtilization }), svc.settings.autoscale?.pos ?? svc.pos);
  }
}

/** Pod annotation whose value changes with the files a pod mounts from ConfigMaps, so that a change rolls the pods. */
export const FILES_HASH = 'tychoc/files-sha256';

/**
 * A digest of the project files and configs the service mounts (names, keys, modes, contents).
 * Secrets are left out: a digest of a short secret can be searched for.
 */
function filesHash(system: System, members: readonly Service[]): string | undefined {
  const files = members.flatMap((svc) => svc.container.mounts.flatMap((m) => mountedFiles(system, m)));
  if (files.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const [key, f] of files) hash.update(`${key}\0${f.mode}\0${f.content.length}\0`).update(f.content);
  return hash.digest('hex').slice(0, 32);
}

/** The files a mount takes from a ConfigMap: a project file set's, or a config's. */
function mountedFiles(system: System, m: Mount): [string, { content: Buffer; mode: number }][] {
  if (m.type === 'bind' && m.placement?.type === 'files') {
    const set = m.placement.set;
    return [...(system.projectFiles?.find((s) => s.name === set)?.files ?? [])];
  }
  if (m.type !== 'config') return [];
  const config = system.configs.find((o) => o.name === m.source);
  return config?.content ? [[config.key, { content: config.content, mode: m.mode ?? 0 }]] : [];
}

/** A published port in the node-port range is kept as the node port, so the address stays the same. */
function nodePort(type: string, published: string | undefined): { nodePort?: number } {
  const port = Number(published);
  return (type === 'NodePort' || type === 'LoadBalancer') && port >= 30000 && port <= 32767 ? { nodePort: port } : {};
}

function workloadKind(svc: Service, members: readonly Service[]): WorkloadKind {
  const w = svc.workload;
  if (w.type === 'global') return { type: 'DaemonSet' };
  if (w.type === 'job') {
    // Docker retries `on-failure` without limit unless told; Kubernetes needs a number.
    const backoffLimit = w.schedule?.backoffLimit ?? (w.restart === 'never' ? 0 : (w.maxRetries ?? 6));
    if (!w.schedule) return { type: 'Job', backoffLimit };
    return { type: 'CronJob', schedule: w.schedule.cron, ...(w.schedule.concurrencyPolicy ? { concurrencyPolicy: w.schedule.concurrencyPolicy } : {}), backoffLimit };
  }
  if (svc.sharding) return { type: 'StatefulSet', replicas: w.replicas, serviceName: shardsServiceName(svc), parallel: true };
  // An autoscaler owns the count: a replica count in the manifest would reset it on every apply.
  const replicas = svc.autoscaler ? {} : { replicas: w.replicas };
  if (w.stateful) return { type: 'StatefulSet', ...replicas, serviceName: dnsLabel(svc.name, true) };
  const claims = members.some((s) => s.container.mounts.some((m) => (m.type === 'volume' && m.volume !== undefined && !m.ephemeral) || (m.type === 'bind' && m.placement?.type === 'claim')));
  return { type: 'Deployment', ...replicas, recreate: claims };
}

const NAME_KINDS = { container_name: 'container name', alias: 'network alias', link: 'link alias' } as const;

/**
 * Every name a service answers to becomes a Service; names that are the same on Kubernetes (or
 * differ only by characters DNS forbids) would send one name to two places.
 */
function checkNames(system: System, diagnostics: Diagnostic[]): boolean {
  let unique = true;
  const seen = new Map<string, { what: string; service: string }>();
  const claim = (dns: string, what: string, service: string, written: string, pos: Service['pos']) => {
    const prior = seen.get(dns);
    if (prior?.service === service) return;
    if (prior !== undefined) {
      unique = false;
      diagnostics.push({ severity: 'error', code: Codes.nameCollision, message: `${prior.what} and ${what} both become \`${dns}\` on Kubernetes; rename one`, pos });
      return;
    }
    if (dns !== written) {
      diagnostics.push({ severity: 'warning', code: Codes.unrepresentable, message: `${what} is reachable as \`${dns}\` on Kubernetes (DNS names allow only lowercase letters, digits and '-')`, pos });
    }
    seen.set(dns, { what, service });
  };
  for (const svc of system.services) claim(dnsLabel(svc.name, true), `service \`${svc.name}\``, svc.name, svc.name, svc.pos);
  for (const svc of system.services) {
    if (svc.sharding) claim(shardsServiceName(svc), `the shards' Service of service \`${svc.name}\``, svc.name, shardsServiceName(svc), svc.settings.shards?.pos ?? svc.pos);
  }
  for (const svc of system.services) {
    for (const n of svc.names) claim(dnsLabel(n.name, true), `${NAME_KINDS[n.from]} \`${n.name}\` of service \`${svc.name}\``, svc.name, n.name, n.pos);
  }
  return unique;
}
