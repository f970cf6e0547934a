import type { Service, System } from '../../model/system.js';
import type { Manifest } from '../chart.js';
import { dnsLabel } from '../names.js';
import { fieldAt, type FieldPath, type Hole } from './template.js';

/** An object of the chart and the fields of it that values decide. */
export interface TemplatedObject {
  readonly manifest: Manifest;
  readonly holes: readonly Hole[];
  /** Rendered only while this holds (an Ingress while the service's `ingress.enabled`). */
  readonly when?: string;
  /** Not one of the compiled objects: rendered only when a value asks for it. */
  readonly optional?: boolean;
}

/** A service's part of the chart: its key under `services:` in values.yaml, its values and its objects. */
export interface ServiceChart {
  readonly key: string;
  readonly values: Record<string, unknown>;
  readonly objects: readonly TemplatedObject[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
/** The variable the service's templates bind to `.Values.services.<key>`. */
const SVC = '$svc';

/**
 * The values of one service (image, replicas, resources, Service type, ingress), read off its
 * compiled objects so that the defaults are what a plain compile wrote, and the holes they fill.
 * A sharded service's replicas and resources are its shard layout's (its pods' environment says
 * how many shards there are and how many CPUs each has), and an autoscaled one's replicas are the
 * autoscaler's: those stay as compiled.
 */
export function serviceChart(chart: string, system: System, svc: Service, manifests: readonly Manifest[]): ServiceChart {
  const name = dnsLabel(svc.name, true);
  const values: Record<string, unknown> = {};
  const objects: TemplatedObject[] = [];
  const workload = manifests.find((m) => WORKLOADS.has(m.kind) && m.metadata.name === name);
  if (workload) objects.push({ manifest: workload, holes: workloadHoles(chart, svc, workload, values) });
  const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === name);
  if (service) objects.push({ manifest: service, holes: serviceHoles(service, values) });
  const ingress = manifests.find((m) => m.kind === 'Ingress' && m.metadata.name === name);
  if (ingress) objects.push(ingressObject(ingress, values, false));
  else if (service && values['service'] && !system.routes?.some((r) => r.service === svc.name)) {
    // A port of `ports:` (not `expose:`) is one compose serves beyond the project: the one an Ingress may serve.
    const port = svc.ports.find((p) => p.protocol === 'TCP' && !p.exposedOnly);
    if (port) objects.push(ingressObject(plainIngress(service, port.target), values, true));
  }
  return { key: name, values, objects };
}

function workloadHoles(chart: string, svc: Service, workload: Manifest, values: Record<string, unknown>): Hole[] {
  const pod = podSpecPath(workload);
  const containers = fieldAt(workload, [...pod, 'containers']) as { name: string; image: string; resources?: unknown }[];
  const index = containers.findIndex((c) => c.name === dnsLabel(svc.name));
  const container = containers[index]!;
  const path: FieldPath = [...pod, 'containers', index];
  const holes: Hole[] = [];
  values['image'] = splitImage(container.image);
  holes.push({ type: 'scalar', path: [...path, 'image'], value: `(include "${chart}.image" ${SVC}.image)` });
  const replicas = fieldAt(workload, ['spec', 'replicas']);
  if (typeof replicas === 'number' && !svc.sharding && !svc.autoscaler) {
    values['replicas'] = replicas;
    holes.push({ type: 'int', path: ['spec', 'replicas'], value: `${SVC}.replicas` });
  }
  if (!svc.sharding) {
    values['resources'] = container.resources ?? {};
    holes.push({ type: 'resources', path: [...path, 'resources'], value: `${SVC}.resources` });
  }
  return holes;
}

/** Where the pod template's spec is: a CronJob's under its job template. */
function podSpecPath(workload: Manifest): FieldPath {
  return workload.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
}

/** A headless Service (no ports, or no cluster IP) stays headless: only a Service with ports has a type to choose. */
function serviceHoles(service: Manifest, values: Record<string, unknown>): Hole[] {
  const spec = service['spec'] as { type: string; clusterIP?: string; ports?: { nodePort?: number }[] };
  if (spec.clusterIP === 'None' || !spec.ports?.length) return [];
  values['service'] = { type: spec.type };
  const value = `${SVC}.service.type`;
  return [
    { type: 'scalar', path: ['spec', 'type'], value },
    ...spec.ports.flatMap((p, i): Hole[] => (p.nodePort === undefined ? [] : [{ type: 'nodePort', path: ['spec', 'ports', i, 'nodePort'], value }])),
  ];
}

function ingressObject(ingress: Manifest, values: Record<string, unknown>, optional: boolean): TemplatedObject {
  const rule = (ingress['spec'] as { rules: { host?: string; http: { paths: { path: string }[] } }[] }).rules[0]!;
  values['ingress'] = { enabled: !optional, host: rule.host ?? '', path: rule.http.paths[0]!.path };
  return {
    manifest: ingress,
    holes: [
      { type: 'optional', path: ['spec', 'rules', 0, 'host'], value: `${SVC}.ingress.host` },
      { type: 'scalar', path: ['spec', 'rules', 0, 'http', 'paths', 0, 'path'], value: `${SVC}.ingress.path` },
    ],
    when: `${SVC}.ingress.enabled`,
    optional,
  };
}

/** The Ingress a service without one gets when its `ingress.enabled` is set: every path under `/` to its first published TCP port. */
function plainIngress(service: Manifest, port: number): Manifest {
  const { name, namespace, labels } = service.metadata as Manifest['metadata'] & { labels?: Record<string, string> };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...(labels ? { labels } : {}), name, ...(namespace ? { namespace } : {}) },
    spec: { rules: [{ http: { paths: [{ backend: { service: { name, port: { number: port } } }, path: '/', pathType: 'Prefix' }] } }] },
  };
}

/** `registry:5000/app:1.2@sha256:…` → repository `registry:5000/app`, tag `1.2`, digest `sha256:…`. */
export function splitImage(image: string): { repository: string; tag: string; digest?: string } {
  const [ref, digest] = image.split('@', 2) as [string, string | undefined];
  const colon = ref.lastIndexOf(':');
  const tagged = colon > ref.lastIndexOf('/');
  return { repository: tagged ? ref.slice(0, colon) : ref, tag: tagged ? ref.slice(colon + 1) : '', ...(digest ? { digest } : {}) };
}
