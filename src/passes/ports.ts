import { Codes } from '../frontend/codes.js';
import type { Exposure, Port, Service } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/**
 * Decides how each service is reached: its own setting (`x-tycho.expose`,
 * `kompose.service.type`) or the policy's default type, the node port and external traffic
 * policy Kompose's labels ask for, and the Ingress `kompose.service.expose` asks for. Host
 * ports are bound only where a label asks and the policy allows.
 */
export function portsPass(): Pass {
  return {
    name: 'ports',
    run: (system, ctx) =>
      mapServices(system, (svc) => {
        const setting = svc.settings.expose;
        if (setting && svc.ports.length === 0) {
          ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` asks to be exposed as ${setting.value} but has no ports or expose`, setting.pos);
        }
        const exposure = setting?.value ?? ctx.policy.ports.defaultType;
        const node = nodePort(svc, exposure, ctx);
        const host = bindsHostPorts(svc, ctx);
        const ports = svc.ports.map((p) => ({ ...p, ...(host && publishedPort(p) ? { hostPort: publishedPort(p) } : {}), ...node }));
        return { ...svc, exposure, ports, ...trafficPolicy(svc, exposure, ctx), ...ingress(svc, ctx) };
      }),
  };
}

const outside = (exposure: Exposure) => exposure === 'NodePort' || exposure === 'LoadBalancer';

/** Kompose gives its node port to a NodePort Service of one port. */
function nodePort(svc: Service, exposure: Exposure, ctx: PassContext): { nodePort?: number } {
  const setting = svc.settings.nodePort;
  if (!setting) return {};
  if (!outside(exposure)) {
    ctx.error(Codes.conflictingSettings, `service \`${svc.name}\` asks for node port ${setting.value} but is exposed as ${exposure}; set \`kompose.service.type: nodeport\``, setting.pos);
    return {};
  }
  if (svc.ports.length !== 1) {
    ctx.error(Codes.conflictingSettings, `service \`${svc.name}\` asks for node port ${setting.value} but has ${svc.ports.length} ports; a node port is given to one port only`, setting.pos);
    return {};
  }
  return { nodePort: setting.value };
}

function trafficPolicy(svc: Service, exposure: Exposure, ctx: PassContext): Pick<Service, 'externalTrafficPolicy'> {
  const setting = svc.settings.externalTrafficPolicy;
  if (!setting) return {};
  if (!outside(exposure) || svc.ports.length === 0) {
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` sets an external traffic policy, which only NodePort and LoadBalancer Services with ports have; it is ignored`, setting.pos);
    return {};
  }
  return { externalTrafficPolicy: setting.value };
}

/** A published port, as `docker run -p` binds it on the host. */
function publishedPort(port: Port): number | undefined {
  const published = Number(port.published);
  return Number.isInteger(published) && published >= 1 && published <= 65535 ? published : undefined;
}

/** Whether the published ports are bound on the node too: beyond baseline, so only where the policy allows host namespaces. */
function bindsHostPorts(svc: Service, ctx: PassContext): boolean {
  const setting = svc.settings.hostPorts;
  const published = svc.ports.flatMap((p) => publishedPort(p) ?? []);
  if (!setting?.value || published.length === 0) return false;
  const what = `service \`${svc.name}\` binds ${published.length > 1 ? 'ports' : 'port'} ${published.join(', ')} of the node (hostPort)`;
  if (!ctx.policy.security.allowHostNamespaces) {
    ctx.error(Codes.policyViolation, `${what}, which the policy forbids (allow it with security.allowHostNamespaces)`, setting.pos);
    return false;
  }
  ctx.warn(Codes.beyondProfile, `${what}; allowed by policy, but the pod no longer meets the baseline Pod Security Standard`, setting.pos);
  return true;
}

/** An Ingress to the service's first port, as Kompose routes it. */
function ingress(svc: Service, ctx: PassContext): Pick<Service, 'ingress'> {
  const setting = svc.settings.ingress;
  if (!setting) return {};
  const first = svc.ports[0];
  if (!first) {
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` asks for an Ingress but has no ports or expose to route to`, setting.pos);
    return {};
  }
  if (svc.settings.proxyRewrite && ctx.policy.proxy.output === 'ingress') {
    ctx.error(Codes.conflictingSettings, `service \`${svc.name}\` asks for an Ingress of its own and for \`proxy_rewrite\`, whose Ingress has the same name; keep one`, setting.pos);
    return {};
  }
  return { ingress: { ...setting.value, port: first.target } };
}
