import { Codes } from '../frontend/codes.js';
import type { Security, Service } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/** Capabilities that give a container power over the node; refused unless the policy allows each. */
const DANGEROUS = new Set([
  'ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'MAC_ADMIN',
  'MAC_OVERRIDE', 'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'SYS_RESOURCE', 'NET_RAW', 'SETFCAP', 'LINUX_IMMUTABLE', 'IPC_LOCK',
]);

/** The one capability the restricted Pod Security Standard lets a container add. */
const RESTRICTED_ALLOWS = 'NET_BIND_SERVICE';

/**
 * The restricted Pod Security Standard by default. What the compose file asks beyond it is an
 * error when the policy forbids it, and a warning naming the rule when the policy allows it.
 */
export function securityPass(): Pass {
  return {
    name: 'security',
    run: (system, ctx) => mapServices(system, (svc) => ({ ...svc, container: { ...svc.container, security: secure(svc, ctx) } })),
  };
}

function secure(svc: Service, ctx: PassContext): Security {
  const s = svc.container.security;
  const where = `service \`${svc.name}\``;
  const pos = svc.pos;
  const privileged = s.privileged && allow(ctx, ctx.policy.security.allowPrivileged, `${where} asks for privileged mode`, 'security.allowPrivileged', pos);
  const hostNs = (on: boolean, what: string) => on && allow(ctx, ctx.policy.security.allowHostNamespaces, `${where} shares the node's ${what} namespace`, 'security.allowHostNamespaces', pos);
  const capAdd = s.capAdd.map((c) => c.toUpperCase().replace(/^CAP_/, '')).filter((cap) => {
    if (cap === RESTRICTED_ALLOWS) return true;
    if (!DANGEROUS.has(cap)) {
      ctx.warn(Codes.beyondRestricted, `${where} adds capability ${cap}; the restricted Pod Security Standard allows only ${RESTRICTED_ALLOWS}`, pos);
      return true;
    }
    return allow(ctx, ctx.policy.security.allowedCapabilities.includes(cap), `${where} adds capability ${cap}`, 'security.allowedCapabilities', pos);
  });
  const root = s.runAsUser === 0 || s.explicitRoot === true;
  if (root) ctx.warn(Codes.beyondRestricted, `${where} runs as root, which the restricted Pod Security Standard forbids`, pos);
  // A privileged container asked for more than restricted; forcing a non-root user would break it.
  const runAsNonRoot = !root && !privileged && (ctx.policy.security.requireNonRoot || (s.runAsUser ?? 0) > 0);
  const fsGroup = svc.settings.fsGroup?.value ?? ctx.policy.security.fsGroup;
  return {
    ...s,
    privileged,
    capAdd,
    hostNetwork: hostNs(s.hostNetwork, 'network'),
    hostPID: hostNs(s.hostPID, 'process'),
    hostIPC: hostNs(s.hostIPC, 'IPC'),
    runAsNonRoot,
    ...(fsGroup !== undefined ? { fsGroup } : {}),
  };
}

/** An error when the policy forbids it; allowed with a warning that the pod is beyond restricted. */
function allow(ctx: PassContext, allowed: boolean, what: string, knob: string, pos: Service['pos']): boolean {
  if (!allowed) {
    ctx.error(Codes.policyViolation, `${what}, which the policy forbids (allow it with ${knob})`, pos);
    return false;
  }
  ctx.warn(Codes.beyondRestricted, `${what}; allowed by policy, but the pod no longer meets the restricted Pod Security Standard`, pos);
  return true;
}
