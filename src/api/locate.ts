import { ApiError, ClusterError } from '../executor/errors.js';
import type { Kube } from '../executor/systems.js';

/** A tychoc server's Service: `svc/NAME` or `svc/NAMESPACE/NAME`, optionally `:PORT` (a number or the port's name). */
export interface ServerService {
  readonly namespace?: string;
  readonly name: string;
  readonly port?: string;
}

interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly nodePort?: number;
}

interface ServiceObject {
  readonly spec: { readonly type?: string; readonly clusterIP?: string; readonly ports?: readonly ServicePort[] };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[] } };
}

/** Parses `svc/NAME`, `svc/NAMESPACE/NAME`, each with an optional `:PORT`; undefined for anything else (a URL). */
export function parseServerService(text: string): ServerService | undefined {
  const m = /^(?:svc|service)\/(?:([a-z0-9][-a-z0-9]*)\/)?([a-z0-9][-a-z0-9]*)(?::([-a-z0-9]+))?$/.exec(text);
  if (!m) return undefined;
  return { name: m[2]!, ...(m[1] ? { namespace: m[1] } : {}), ...(m[3] ? { port: m[3] } : {}) };
}

/**
 * The URL a server is reached at through its Service, as seen from where this runs, in the order
 * Tycho's client factory tried them: a load balancer's address, a node port on a node's address,
 * and else, inside the cluster, the Service's DNS name, or outside it the cluster IP (which only
 * the cluster's own nodes reach).
 */
export async function locateServer(kube: Kube, service: ServerService, where: { inCluster: boolean }): Promise<string> {
  const namespace = service.namespace ?? kube.defaultNamespace;
  const what = `Service ${namespace}/${service.name}`;
  let svc: ServiceObject;
  try {
    svc = (await kube.client.request<ServiceObject>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/services/${service.name}` })).body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new ClusterError('notFound', `no ${what}`);
    throw e;
  }
  const ports = svc.spec.ports ?? [];
  const port = service.port === undefined ? ports[0] : ports.find((p) => p.name === service.port || String(p.port) === service.port);
  if (!port) throw new ClusterError('notFound', `${what} has no port ${service.port ?? ''}`.trim());
  const balancer = svc.status?.loadBalancer?.ingress?.find((i) => i.ip || i.hostname);
  if (svc.spec.type === 'LoadBalancer' && balancer) return url(balancer.ip ?? balancer.hostname!, port.port);
  if (port.nodePort !== undefined && !where.inCluster) {
    const node = await nodeAddress(kube);
    if (node) return url(node, port.nodePort);
  }
  if (where.inCluster) return url(`${service.name}.${namespace}.svc`, port.port);
  const ip = svc.spec.clusterIP;
  if (!ip || ip === 'None') throw new ClusterError('notFound', `${what} has neither a load balancer, a node port nor a cluster IP to reach it by`);
  return url(ip, port.port);
}

/** A ready node's external address, else its internal one; none when nodes may not be read. */
async function nodeAddress(kube: Kube): Promise<string | undefined> {
  type Node = { status?: { addresses?: { type: string; address: string }[]; conditions?: { type: string; status: string }[] } };
  let nodes: Node[];
  try {
    nodes = (await kube.client.request<{ items: Node[] }>({ method: 'GET', path: '/api/v1/nodes' })).body.items;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return undefined;
    throw e;
  }
  const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  for (const type of ['ExternalIP', 'InternalIP']) {
    const address = ready.flatMap((n) => n.status?.addresses ?? []).find((a) => a.type === type);
    if (address) return address.address;
  }
  return undefined;
}

const url = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
