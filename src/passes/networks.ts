import { Codes } from '../frontend/codes.js';
import type { Isolation, Service, System } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';

/**
 * With `networks.policies`, confines traffic to compose networks: a service's pods accept
 * connections from services it shares a network with (every service naming none shares
 * `default`), and from anywhere only on the ports it offers beyond them: published through a
 * NodePort or LoadBalancer, routed by the proxy, or on an `external` network (shared with
 * other projects). Outgoing traffic is not restricted; see emit/network-policies.ts.
 */
export function networksPass(): Pass {
  return {
    name: 'networks',
    run: (system, ctx) => {
      if (!ctx.policy.networks.policies) return system;
      const known = new Set(system.networks.map((n) => n.name));
      for (const svc of system.services) {
        for (const name of svc.networks.filter((n) => !known.has(n))) {
          ctx.error(Codes.undefinedReference, `service \`${svc.name}\` uses network \`${name}\`, which is not defined at the top level`, svc.pos);
        }
      }
      return { ...system, isolation: system.services.map((svc) => isolate(system, svc, ctx)) };
    },
  };
}

function isolate(system: System, svc: Service, ctx: PassContext): Isolation {
  const external = system.networks.some((n) => n.external && svc.networks.includes(n.name));
  const published = svc.exposure === 'NodePort' || svc.exposure === 'LoadBalancer';
  const routed = new Set((system.routes ?? []).filter((r) => r.service === svc.name).map((r) => r.port));
  const open = new Map<string, Isolation['open'][number]>();
  for (const p of svc.ports) {
    if (external || (published && !p.exposedOnly) || (routed.has(p.target) && p.protocol === 'TCP')) open.set(`${p.target}/${p.protocol}`, { port: p.target, protocol: p.protocol });
  }
  if (svc.container.security.hostNetwork) {
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` uses the node's network; a NetworkPolicy does not confine it`, svc.pos);
  }
  return { service: svc.name, networks: svc.networks, open: [...open.values()] };
}
