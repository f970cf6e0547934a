import { createHash } from 'node:crypto';
import { basename, isAbsolute, normalize, relative } from 'node:path/posix';
import { dataKey, joinedLabel } from '../emit/names.js';
import { Codes } from '../frontend/codes.js';
import { isVariablesFile } from '../frontend/normalize/project-files.js';
import type { BindMount, BindSource, Mount, ProjectFile, ProjectFileSet, Service, Volume } from '../model/system.js';
import type { Policy } from '../model/policy.js';
import type { Pass, PassContext } from './pass.js';
import { sharedMode, storageClass } from './volumes.js';

/** The claim that holds the bind mounts' files that are not shipped, one sub-path each. */
export const BINDS_VOLUME = 'tychoc-binds';

/** A place for each bind mount (see placeBind), and the project's bind claim where one needs it. */
export function bindsPass(): Pass {
  return {
    name: 'binds',
    run: (system, ctx) => {
      const sets = new FileSets();
      const services = system.services.map((svc) => ({
        ...svc,
        container: { ...svc.container, mounts: svc.container.mounts.flatMap((m) => placeBind(m, svc, ctx, sets, system.name)) },
      }));
      const projectFiles = sets.list;
      const bindUsers = services.filter((s) => s.container.mounts.some((m) => m.type === 'bind' && m.placement?.type === 'claim'));
      if (bindUsers.length === 0) return { ...system, services, projectFiles };
      const claim: Volume = {
        name: BINDS_VOLUME,
        external: false,
        labels: [],
        pos: bindUsers[0]!.pos,
        claim: { size: ctx.policy.volumes.bindClaimSize, accessMode: sharedMode(bindUsers) ? 'ReadWriteMany' : 'ReadWriteOnce', ...storageClass(ctx) },
      };
      return { ...system, volumes: [...system.volumes, claim], services, projectFiles };
    },
  };
}

/** Host files compose apps mount for the time zone: pods keep the image's (UTC); `TZ` sets another. */
const TIME_ZONE_FILES = new Set(['/etc/localtime', '/etc/timezone']);
/** The Docker engine's socket: no Kubernetes node offers one. */
const DOCKER_SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/**
 * Where a bind mount's files go, by policy. By default the project's own files travel in the
 * manifests (a ConfigMap, mounted read-only); what cannot (too large, missing, outside the
 * project) becomes a sub-path of the project's bind claim, to be filled by hand; the time zone
 * files and the Docker socket are dropped.
 */
function placeBind(m: Mount, svc: Service, ctx: PassContext, sets: FileSets, projectName: string): Mount[] {
  if (m.type !== 'bind') return [m];
  const mode = bindMode(svc, ctx);
  const what = `bind mount ${m.source}:${m.target} of service \`${svc.name}\``;
  if (mode === 'reject') {
    ctx.error(Codes.policyViolation, `${what} is not allowed (policy volumes.binds: reject); use a named volume`, m.pos);
    return [];
  }
  if (mode === 'hostPath') return hostPathBind(m, what, ctx);
  if (mode === 'emptyDir') return [placed(m, { type: 'emptyDir' })];
  const outside = isOutsideProject(m.source);
  if (outside && ctx.policy.volumes.outsideProject === 'reject') {
    ctx.error(Codes.policyViolation, `${what} is outside the project directory, which the policy forbids (volumes.outsideProject: reject)`, m.pos);
    return [];
  }
  if (TIME_ZONE_FILES.has(m.source)) {
    ctx.warn(Codes.droppedKey, `${what} is dropped: pods keep the image's time zone; set \`TZ\` (e.g. TZ: Europe/Berlin) in its environment for another`, m.pos);
    return [];
  }
  if (DOCKER_SOCKETS.has(m.source)) {
    ctx.warn(Codes.droppedKey, `${what} is dropped: the service needs a Docker engine, which Kubernetes nodes do not offer`, m.pos);
    return [];
  }
  const content = m.content;
  if (!outside && mode === 'files' && (content?.type === 'file' || content?.type === 'directory')) {
    const set = sets.add(m.source, content, m.pos);
    const notes = [
      ...(m.readOnly ? [] : ['read-only, though compose mounts it writable: writes would not reach the project']),
      ...(content.type === 'directory' ? skippedNotes(content.skipped) : []),
    ];
    if (notes.length > 0) ctx.warn(Codes.unrepresentable, `${what} ships the project's files in ConfigMap \`${joinedLabel(projectName, set.name)}\`, ${notes.join('; ')}`, m.pos);
    return [placed(m, { type: 'files', set: set.name, ...(content.type === 'file' ? { file: set.files.keys().next().value! } : {}) })];
  }
  const subPath = claimSubPath(m.source);
  const why = outside ? 'is outside the project, so it' : content?.type === 'too-large' ? 'holds more than a ConfigMap can (1 MiB), so it' : '';
  ctx.warn(Codes.droppedKey, `${what} ${why ? `${why} ` : ''}becomes ${subPath ? `sub-path \`${subPath}\` of` : 'the root of'} claim \`${BINDS_VOLUME}\`; copy the files there before the pods start`, m.pos);
  return [placed(m, { type: 'claim', claim: BINDS_VOLUME, subPath })];
}

const LABEL_MODES = { persistentVolumeClaim: 'claim', emptyDir: 'emptyDir', hostPath: 'hostPath', configMap: 'files' } as const;

/**
 * The policy's place for bind mounts, or the one `kompose.volume.type` asks for; a policy that
 * rejects bind mounts still does, and hostPath stays confined to the allowed host roots.
 */
function bindMode(svc: Service, ctx: PassContext): Policy['volumes']['binds'] {
  const policy = ctx.policy.volumes.binds;
  const type = svc.settings.volumeType?.value;
  return policy === 'reject' || type === undefined ? policy : LABEL_MODES[type];
}

/** What a shipped directory leaves out, and why. */
function skippedNotes(skipped: readonly string[]): string[] {
  const variables = skipped.filter((p) => isVariablesFile(basename(p)));
  const others = skipped.filter((p) => !isVariablesFile(basename(p)));
  return [
    ...(variables.length > 0 ? [`leaving out ${variables.join(', ')}, whose variables may be secrets (give the service what it needs through \`secrets:\`)`] : []),
    ...(others.length > 0 ? [`leaving out ${others.join(', ')}, which are neither files nor directories`] : []),
  ];
}

/** hostPath binds: absolute paths under the allowed roots only. */
function hostPathBind(m: BindMount, what: string, ctx: PassContext): Mount[] {
  if (!insideRoots(m.source, ctx.policy.volumes.allowedHostRoots)) {
    const why = m.source.startsWith('..') || normalize(m.source).startsWith('..') ? 'escapes the project directory' : 'is outside the allowed host roots';
    ctx.error(Codes.policyViolation, `${what} ${why} (${ctx.policy.volumes.allowedHostRoots.join(', ')}); allow it with volumes.allowedHostRoots in the policy`, m.pos);
    return [];
  }
  if (!isAbsolute(m.source)) {
    ctx.error(Codes.policyViolation, `${what}: hostPath needs an absolute host path, not ${m.source}`, m.pos);
    return [];
  }
  ctx.warn(Codes.beyondProfile, `${what} uses the node's filesystem (hostPath), which the baseline Pod Security Standard forbids`, m.pos);
  return [placed(m, { type: 'hostPath' })];
}

const isOutsideProject = (source: string) => isAbsolute(source) || source.startsWith('~') || normalize(source).startsWith('..');

/**
 * A bind source's place in the bind claim: the project's own paths as they are; others under
 * `host/` (absolute), `home/` (`~`) or `parent/` (each `..`), so that none can meet another.
 */
function claimSubPath(source: string): string {
  if (source.startsWith('~')) return `home/${source.slice(1).replace(/^\/+/, '')}`.replace(/\/$/, '');
  if (isAbsolute(source)) return `host${normalize(source)}`.replace(/\/$/, '');
  return normalize(source).replace(/^\.$/, '').split('/').map((part) => (part === '..' ? 'parent' : part)).join('/');
}

/** The project file sets of one compile, one per bind source. */
class FileSets {
  readonly list: ProjectFileSet[] = [];

  add(source: string, content: Extract<BindSource, { type: 'file' | 'directory' }>, pos: Mount['pos']): ProjectFileSet {
    const known = this.list.find((s) => s.source === source);
    if (known) return known;
    const slug = normalize(source).replace(/^\.$/, 'project').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
    let name = `files-${slug}`.slice(0, 40).replace(/-+$/, '');
    if (this.list.some((s) => s.name === name)) name = `${name}-${createHash('sha256').update(source).digest('hex').slice(0, 6)}`;
    const files = new Map<string, ProjectFile>();
    for (const file of content.type === 'file' ? [{ ...content.file, path: basename(source) }] : content.files) {
      files.set(uniqueKey(file.path, files), content.type === 'file' ? { ...file, path: '' } : file);
    }
    const set: ProjectFileSet = { source, name, files, pos };
    this.list.push(set);
    return set;
  }
}

/** A ConfigMap key for a file's path, unique in its set. */
function uniqueKey(path: string, taken: ReadonlyMap<string, unknown>): string {
  const base = dataKey(path.slice(0, 240));
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
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
