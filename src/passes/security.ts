import { Codes } from '../frontend/codes.js';
import type { Security, Service } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/** The capabilities the baseline Pod Security Standard lets a container add: docker's defaults. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP',
  'SETUID', 'SYS_CHROOT',
]);

/** The one capability the restricted Pod Security Standard lets a container add. */
const RESTRICTED_ALLOWS = 'NET_BIND_SERVICE';

/**
 * Every pod meets the baseline Pod Security Standard, hardened as far as real images allow
 * (seccomp RuntimeDefault, no privilege escalation); a service whose `user:` is a numeric non-root
 * uid meets the restricted one too (non-root, all capabilities dropped), and under
 * `security.profile: restricted` every service does. What the compose file asks beyond baseline
 * is an error unless the policy allows it, then a warning.
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
  const capAdd = s.capAdd.map(capability).filter((cap) =>
    BASELINE_CAPABILITIES.has(cap) || allow(ctx, ctx.policy.security.allowedCapabilities.includes(cap), `${where} adds capability ${cap}`, 'security.allowedCapabilities', pos),
  );
  const hostNetwork = hostNs(s.hostNetwork, 'network');
  const account = svc.settings.serviceAccount;
  if (account && !ctx.policy.security.allowServiceAccounts) {
    ctx.error(Codes.policyViolation, `${where} runs as ServiceAccount \`${account.value}\`, which the policy forbids (allow it with security.allowServiceAccounts)`, account.pos);
  }
  const root = s.runAsUser === 0 || s.explicitRoot === true;
  const knownNonRoot = (s.runAsUser ?? 0) > 0;
  const restrictedRule = ctx.policy.security.profile === 'restricted';
  // Restricted drops every capability but NET_BIND_SERVICE; a service that adds others keeps baseline.
  const extraCaps = capAdd.filter((c) => c !== RESTRICTED_ALLOWS);
  const restricted = !root && !privileged && extraCaps.length === 0 && (knownNonRoot || restrictedRule);
  if (restrictedRule && !restricted && !privileged) {
    const why = root ? 'runs as root' : `adds capability ${extraCaps.join(', ')}`;
    ctx.warn(Codes.beyondProfile, `${where} ${why}, so its pod does not meet the restricted Pod Security Standard the policy asks for`, pos);
  }
  if (restricted && !knownNonRoot) {
    ctx.warn(
      Codes.mayNotStart,
      `${where} has no numeric non-root \`user:\`, so under the restricted profile its pod runs with runAsNonRoot: an image that starts as root ` +
        '(most official images) will not start ("CreateContainerConfigError: container has runAsNonRoot and image will run as root"), nor one ' +
        'whose USER is a name ("cannot verify user is non-root"); set `user: "UID:GID"` if the image runs without root',
      pos,
    );
  }
  // Projected files (configs, secrets) and volume roots become the group's, so the user can read them.
  const fsGroup = svc.settings.fsGroup?.value ?? ctx.policy.security.fsGroup ?? (knownNonRoot && restricted ? (s.runAsGroup ?? s.runAsUser) : undefined);
  return {
    ...s,
    privileged,
    capAdd,
    capDrop: s.capDrop.map(capability),
    hostNetwork,
    hostPID: hostNs(s.hostPID, 'process'),
    hostIPC: hostNs(s.hostIPC, 'IPC'),
    profile: restricted ? 'restricted' : 'baseline',
    ...(fsGroup !== undefined ? { fsGroup } : {}),
  };
}

const capability = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

/** An error when the policy forbids it; allowed with a warning that the pod is beyond baseline. */
function allow(ctx: PassContext, allowed: boolean, what: string, knob: string, pos: Service['pos']): boolean {
  if (!allowed) {
    ctx.error(Codes.policyViolation, `${what}, which the policy forbids (allow it with ${knob})`, pos);
    return false;
  }
  ctx.warn(Codes.beyondProfile, `${what}; allowed by policy, but the pod no longer meets the baseline Pod Security Standard`, pos);
  return true;
}
