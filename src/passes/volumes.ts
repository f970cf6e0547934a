import { Codes } from '../frontend/codes.js';
import { listed } from '../diagnostics.js';
import type { Service, System, Volume } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';

/**
 * Claims for named volumes: size, class and access mode from settings and policy; shared
 * ReadWriteOnce volumes warned about or made ReadWriteMany.
 */
export function volumesPass(): Pass {
  return {
    name: 'volumes',
    run: (system, ctx) => ({ ...system, volumes: system.volumes.map((v) => (v.external ? v : claimFor(v, system, ctx))) }),
  };
}

export function storageClass(ctx: PassContext): { storageClass?: string } {
  return ctx.policy.volumes.storageClass ? { storageClass: ctx.policy.volumes.storageClass } : {};
}

/** More than one pod at a time: several services, several replicas, or one per node. */
export function sharedMode(users: readonly Service[]): boolean {
  return users.length > 1 || users.some((s) => s.workload.type === 'global' || (s.workload.type === 'replicated' && s.workload.replicas > 1));
}

function claimFor(volume: Volume, system: System, ctx: PassContext): Volume {
  const users = system.services.filter((s) => s.container.mounts.some((m) => m.type === 'volume' && m.volume === volume.name));
  const size = users.map((s) => s.settings.volumeSize).find((x) => x);
  const cls = users.map((s) => s.settings.storageClass).find((x) => x);
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
    },
  };
}

