import { isIP } from 'node:net';
import { Codes } from '../frontend/codes.js';
import type { Isolation, Service, System } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';

/**
 * With `networks.policies`, confines traffic to compose networks: a service's pods accept
 * connections from services it shares a network with (every service naming none shares
 * `default`), and from anywhere only on the ports it offers beyond them: published through a
 * NodePort or LoadBalancer, routed by the proxy, or on an `external` network (shared with
 * other projects). Outgoing traffic is not restricted; see emit/network-policies.ts.
 *
 * A service given client address ranges (the `clients` option, Tycho's `services.*.clients`) is
 * confined even without the policy: only those ranges reach its ports from outside the system, in
 * place of anyone; the proxy still reaches routed ports, and the system's own pods every port.
 */
export function networksPass(): Pass {
  return {
    name: 'networks',
    run: (system, ctx) => {
      const clients = clientRanges(system, ctx);
      if (!ctx.policy.networks.policies && clients.size === 0) return system;
      const known = new Set(system.networks.map((n) => n.name));
      for (const svc of system.services) {
        for (const name of svc.networks.filter((n) => !known.has(n))) {
          ctx.error(Codes.undefinedReference, `service \`${svc.name}\` uses network \`${name}\`, which is not defined at the top level`, svc.pos);
        }
      }
      const confined = ctx.policy.networks.policies ? system.services : system.services.filter((svc) => clients.has(svc.name));
      return { ...system, isolation: confined.map((svc) => isolate(system, svc, clients.get(svc.name), ctx)) };
    },
  };
}

function isolate(system: System, svc: Service, clients: readonly string[] | undefined, ctx: PassContext): Isolation {
  const external = system.networks.some((n) => n.external && svc.networks.includes(n.name));
  const published = svc.exposure === 'NodePort' || svc.exposure === 'LoadBalancer';
  const routed = new Set((system.routes ?? []).filter((r) => r.service === svc.name).map((r) => r.port));
  const open = new Map<string, Isolation['open'][number]>();
  for (const p of svc.ports) {
    const isRouted = routed.has(p.target) && p.protocol === 'TCP';
    if (isRouted || (!clients && (external || (published && !p.exposedOnly)))) open.set(`${p.target}/${p.protocol}`, { port: p.target, protocol: p.protocol });
  }
  if (svc.container.security.hostNetwork) {
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` uses the node's network; a NetworkPolicy does not confine it`, svc.pos);
  }
  // Without the network policy, peers are not labelled by network: the whole system is one peer group.
  const networks = ctx.policy.networks.policies ? svc.networks : [];
  const ports = [...new Map(svc.ports.map((p) => [`${p.target}/${p.protocol}`, { port: p.target, protocol: p.protocol }])).values()];
  return { service: svc.name, networks, open: [...open.values()], ...(clients ? { clients: { cidrs: clients, ports } } : {}) };
}

/** The `clients` option by service, checked: each range a CIDR, each service in the file. */
function clientRanges(system: System, ctx: PassContext): Map<string, readonly string[]> {
  const services = new Set(system.services.map((s) => s.name));
  const ranges = new Map<string, readonly string[]>();
  for (const [service, cidrs] of Object.entries(ctx.options.clients ?? {})) {
    if (cidrs.length === 0) continue;
    if (!services.has(service)) {
      ctx.error(Codes.undefinedReference, `services.${service}.clients: there is no service \`${service}\` in the compose file`);
      continue;
    }
    const bad = cidrs.find((c) => !isCidr(c));
    if (bad !== undefined) ctx.error(Codes.invalidValue, `services.${service}.clients: ${JSON.stringify(bad)} is not an address range such as 10.0.0.0/8 or 2001:db8::/32`);
    else ranges.set(service, [...new Set(cidrs)].sort());
  }
  return ranges;
}

function isCidr(text: string): boolean {
  const [address = '', bits, ...rest] = text.split('/');
  const family = isIP(address);
  return family !== 0 && rest.length === 0 && bits !== undefined && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
