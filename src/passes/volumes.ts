import { Codes } from '../frontend/codes.js';
import { listed } from '../diagnostics.js';
import type { Mount, Service, System, Volume } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/**
 * Claims for named volumes: size, class and access mode from settings and policy; shared
 * ReadWriteOnce volumes warned about or made ReadWriteMany.
 */
export function volumesPass(): Pass {
  return {
    name: 'volumes',
    run: (system, ctx) => {
      const placed = mapServices(system, (svc) => ({ ...svc, container: { ...svc.container, mounts: svc.container.mounts.map((m) => placeVolume(m, svc, ctx)) } }));
      return { ...placed, volumes: placed.volumes.map((v) => (v.external ? v : claimFor(v, placed, ctx))) };
    },
  };
}

/**
 * Kompose's volume labels on one mount: `kompose.volume.subpath` where compose gives no sub-path,
 * `kompose.volume.type: emptyDir` scratch space instead of the claim. A named volume has no host
 * path, so `hostPath` leaves it a claim.
 */
function placeVolume(m: Mount, svc: Service, ctx: PassContext): Mount {
  if (m.type !== 'volume') return m;
  const subPath = m.subPath ?? svc.settings.volumeSubPath?.value;
  const type = svc.settings.volumeType;
  if (type?.value === 'hostPath' && m.volume !== undefined) {
    ctx.warn(Codes.ineffectiveSetting, `volume \`${m.volume}\` of service \`${svc.name}\` has no host path, so \`kompose.volume.type: hostPath\` leaves it a claim`, type.pos);
  }
  return { ...m, ...(subPath !== undefined ? { subPath } : {}), ...(type?.value === 'emptyDir' && m.volume !== undefined ? { ephemeral: true } : {}) };
}

export function storageClass(ctx: PassContext): { storageClass?: string } {
  return ctx.policy.volumes.storageClass ? { storageClass: ctx.policy.volumes.storageClass } : {};
}

/** More than one pod at a time: several services, several replicas (or an autoscaler's maximum), or one per node. */
export function sharedMode(users: readonly Service[]): boolean {
  // The services of one group share one pod (see the groups pass).
  const pods = new Set(users.map((s) => s.settings.group?.value ?? `service ${s.name}`));
  return pods.size > 1 || users.some((s) => s.workload.type === 'global' || (s.workload.type === 'replicated' && Math.max(s.workload.replicas, s.autoscaler?.maxReplicas ?? 0) > 1));
}

function claimFor(volume: Volume, system: System, ctx: PassContext): Volume {
  const users = system.services.filter((s) => s.container.mounts.some((m) => m.type === 'volume' && m.volume === volume.name && !m.ephemeral));
  // The volume's own labels first, as Kompose reads them, then its services' settings.
  const size = volume.settings?.size ?? users.map((s) => s.settings.volumeSize).find((x) => x);
  const cls = volume.settings?.storageClass ?? users.map((s) => s.settings.storageClass).find((x) => x);
  const selector = volume.settings?.selector;
  let accessMode = ctx.policy.volumes.accessMode;
  if (accessMode === 'ReadWriteOnce' && sharedMode(users)) {
    if (ctx.policy.volumes.shared === 'rwx') accessMode = 'ReadWriteMany';
    else {
      ctx.warn(
        Codes.sharedVolume,
        `volume \`${volume.name}\` is mounted by ${listed(users.map((s) => `\`${s.name}\``))} with more than one pod; ReadWriteOnce lets only one node mount it (set volumes.shared: rwx in the policy for ReadWriteMany)`,
        volume.pos,
      );
    }
  }
  return {
    ...volume,
    claim: {
      size: size?.value ?? ctx.policy.volumes.size,
      accessMode,
      ...(cls ? { storageClass: cls.value } : storageClass(ctx)),
      ...(selector ? { selector: selector.value } : {}),
    },
  };
}

