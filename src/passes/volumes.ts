import { isAbsolute, normalize, relative } from 'node:path/posix';
import { Codes } from '../frontend/codes.js';
import type { BindMount, Mount, Service, System, Volume } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';

/** The claim that holds every bind mount's files, one sub-path each. */
export const BINDS_VOLUME = 'tychoc-binds';

/**
 * Claims for named volumes (size, class, access mode from settings and policy; shared
 * ReadWriteOnce volumes warned about or made ReadWriteMany) and a place for bind mounts.
 */
export function volumesPass(): Pass {
  return {
    name: 'volumes',
    run: (system, ctx) => {
      const volumes = system.volumes.map((v) => (v.external ? v : claimFor(v, system, ctx)));
      const services = system.services.map((svc) => ({
        ...svc,
        container: { ...svc.container, mounts: svc.container.mounts.flatMap((m) => placeBind(m, svc, ctx)) },
      }));
      const bindUsers = services.filter((s) => s.container.mounts.some((m) => m.type === 'bind' && m.placement?.type === 'claim'));
      if (bindUsers.length === 0) return { ...system, volumes, services };
      const binds: Volume = {
        name: BINDS_VOLUME,
        external: false,
        labels: [],
        pos: bindUsers[0]!.pos,
        claim: { size: ctx.policy.volumes.bindClaimSize, accessMode: sharedMode(bindUsers) ? 'ReadWriteMany' : 'ReadWriteOnce', ...storageClass(ctx) },
      };
      return { ...system, volumes: [...volumes, binds], services };
    },
  };
}

function storageClass(ctx: PassContext): { storageClass?: string } {
  return ctx.policy.volumes.storageClass ? { storageClass: ctx.policy.volumes.storageClass } : {};
}

/** More than one pod at a time: several services, several replicas, or one per node. */
function sharedMode(users: readonly Service[]): boolean {
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
        `volume \`${volume.name}\` is mounted by ${users.map((s) => `\`${s.name}\``).join(', ')} with more than one pod; ReadWriteOnce lets only one node mount it (set volumes.shared: rwx in the policy for ReadWriteMany)`,
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

/** Where a bind mount's files go, by policy; sources outside the allowed roots are refused. */
function placeBind(m: Mount, svc: Service, ctx: PassContext): Mount[] {
  if (m.type !== 'bind') return [m];
  const mode = ctx.policy.volumes.binds;
  const what = `bind mount ${m.source}:${m.target} of service \`${svc.name}\``;
  if (mode === 'reject') {
    ctx.error(Codes.policyViolation, `${what} is not allowed (policy volumes.binds: reject); use a named volume`, m.pos);
    return [];
  }
  if (!insideRoots(m.source, ctx.policy.volumes.allowedHostRoots)) {
    const why = m.source.startsWith('..') || normalize(m.source).startsWith('..') ? 'escapes the project directory' : 'is outside the allowed host roots';
    ctx.error(Codes.policyViolation, `${what} ${why} (${ctx.policy.volumes.allowedHostRoots.join(', ')}); allow it with volumes.allowedHostRoots in the policy`, m.pos);
    return [];
  }
  if (mode === 'hostPath') {
    if (!isAbsolute(m.source)) {
      ctx.error(Codes.policyViolation, `${what}: hostPath needs an absolute host path, not ${m.source}`, m.pos);
      return [];
    }
    ctx.warn(Codes.beyondRestricted, `${what} uses the node's filesystem (hostPath), which the restricted Pod Security Standard forbids`, m.pos);
    return [placed(m, { type: 'hostPath' })];
  }
  if (mode === 'emptyDir') return [placed(m, { type: 'emptyDir' })];
  const subPath = normalize(m.source).replace(/^\.$/, '');
  ctx.warn(Codes.droppedKey, `${what} becomes ${subPath ? `sub-path \`${subPath}\` of` : 'the root of'} claim \`${BINDS_VOLUME}\`; copy the files there before the pods start`, m.pos);
  return [placed(m, { type: 'claim', claim: BINDS_VOLUME, subPath })];
}

function placed(m: BindMount, placement: NonNullable<BindMount['placement']>): BindMount {
  return { ...m, placement };
}

/** Whether a host path (relative to the project, or absolute) lies under one of the roots. */
function insideRoots(source: string, roots: readonly string[]): boolean {
  if (source.startsWith('~')) return false;
  const path = normalize(source);
  return roots.some((root) => {
    const rel = relative(normalize(root), path);
    return isAbsolute(path) === isAbsolute(normalize(root)) && !rel.startsWith('..') && !isAbsolute(rel);
  });
}
