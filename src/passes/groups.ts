import { Codes } from '../frontend/codes.js';
import { dnsLabel } from '../emit/names.js';
import { listed } from '../diagnostics.js';
import type { Service, Setting } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';

/**
 * Services of one `kompose.service.group` become containers of one pod, its workload named after
 * the group; each keeps its own Service, so other services reach it by its name as before. One
 * pod has one controller, one network and one identity: members that differ in how they run, or
 * that serve the same port, cannot share it.
 */
export function groupsPass(): Pass {
  return {
    name: 'groups',
    run: (system, ctx) => {
      const groups = new Map<string, Service[]>();
      for (const svc of system.services) {
        const group = svc.settings.group?.value;
        if (group !== undefined) groups.set(group, [...(groups.get(group) ?? []), svc]);
      }
      const pods = new Map<string, string>();
      for (const [group, members] of groups) {
        if (isShareable(group, members, system.services, ctx)) for (const m of members) pods.set(m.name, dnsLabel(group, true));
      }
      return { ...system, services: system.services.map((s) => (pods.has(s.name) ? { ...s, pod: pods.get(s.name)! } : s)) };
    },
  };
}

/** What one pod has once for all its containers, by the words a message names it with. */
function podTraits(svc: Service): Record<string, unknown> {
  const s = svc.container.security;
  return {
    'how it runs (replicas, controller, restart)': [svc.workload, svc.settings.controller?.value],
    'ServiceAccount': svc.settings.serviceAccount?.value,
    "the node's namespaces": [s.hostNetwork, s.hostPID, s.hostIPC],
    'fsGroup': s.fsGroup,
    'platform': svc.platform,
    'hostname': svc.hostname,
    'DNS settings': svc.dns,
    'extra hosts': svc.hostAliases,
    'stop grace period': svc.stopGracePeriodSeconds,
  };
}

function isShareable(group: string, members: readonly Service[], all: readonly Service[], ctx: PassContext): boolean {
  const at = (svc: Service): Setting<string> => svc.settings.group!;
  const names = listed(members.map((m) => `\`${m.name}\``));
  const pod = dnsLabel(group, true);
  const other = all.find((s) => !members.includes(s) && dnsLabel(s.name, true) === pod);
  if (other) {
    ctx.error(Codes.nameCollision, `group \`${group}\` and service \`${other.name}\` both become workload \`${pod}\` on Kubernetes; rename one`, at(members[0]!).pos);
    return false;
  }
  const sharded = members.find((m) => m.sharding);
  if (sharded) {
    ctx.error(Codes.conflictingSettings, `service \`${sharded.name}\` runs as shards, so it cannot share a pod with the rest of group \`${group}\``, at(sharded).pos);
    return false;
  }
  const first = podTraits(members[0]!);
  for (const m of members.slice(1)) {
    const differing = Object.entries(podTraits(m)).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(first[k])).map(([k]) => k);
    if (differing.length > 0) {
      ctx.error(Codes.conflictingSettings, `services ${names} of group \`${group}\` would share one pod but differ in ${listed(differing)}`, at(m).pos);
      return false;
    }
  }
  const inits = members.filter((m) => m.settings.initContainer).map((m) => m.settings.initContainer!);
  const twice = inits.find((i, n) => inits.findIndex((j) => j.value.name === i.value.name) !== n);
  if (twice) {
    ctx.error(Codes.conflictingSettings, `two services of group \`${group}\` add init container \`${twice.value.name}\`, which one pod has once; name them apart with kompose.init.containers.name`, twice.pos);
    return false;
  }
  const served = new Map<string, Service>();
  for (const m of members) {
    for (const p of m.ports) {
      const key = `${p.target}/${p.protocol}`;
      const owner = served.get(key);
      if (owner && owner !== m) {
        ctx.error(Codes.conflictingSettings, `services \`${owner.name}\` and \`${m.name}\` of group \`${group}\` both serve port ${key}, which one pod has once`, at(m).pos);
        return false;
      }
      served.set(key, m);
    }
  }
  return true;
}
