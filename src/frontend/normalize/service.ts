import type { Container, HostAlias, Security, Service } from '../../model/system.js';
import { Codes } from '../codes.js';
import type { Lookup } from '../interpolate.js';
import { splitShellWords } from '../shell-words.js';
import { child, type PMap, type PNode } from '../tree.js';
import { normalizeLabels, normalizeResources, normalizeWorkload } from './deploy.js';
import { normalizeEnvironment } from './environment.js';
import { normalizeHealthcheck } from './healthcheck.js';
import { normalizeMounts } from './mounts.js';
import { normalizeSettings } from './settings.js';
import { normalizePorts } from './ports.js';
import { duration, entries, flag, report, strings, text, warn, type NormalizeContext } from './reader.js';

/** Options that decide what the front end fills in. */
export interface ServiceOptions {
  /** Prefix for images derived from `build:` (a registry such as `registry.example.com/team/`). */
  readonly imagePrefix?: string;
}

/** Service keys that are mapped, or that need no Kubernetes counterpart (resolved by the loader). */
const HANDLED = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'tmpfs',
  'configs', 'secrets', 'working_dir', 'user', 'hostname', 'labels', 'deploy', 'scale', 'restart', 'healthcheck',
  'stdin_open', 'tty', 'read_only', 'cap_add', 'cap_drop', 'privileged', 'depends_on', 'networks', 'profiles',
  'stop_grace_period', 'extra_hosts', 'dns', 'dns_search', 'platform', 'pull_policy', 'cpus', 'mem_limit',
  'mem_reservation', 'gpus', 'links', 'container_name', 'network_mode', 'pid', 'ipc',
]);

/** Keys under `deploy` that are mapped. */
const DEPLOY_HANDLED = new Set(['mode', 'replicas', 'resources', 'labels', 'restart_policy']);

const PULL_POLICIES: Record<string, Container['pullPolicy']> = {
  always: 'Always', never: 'Never', missing: 'IfNotPresent', if_not_present: 'IfNotPresent', build: 'IfNotPresent',
};

/** One compose service as a model Service; unsupported keys are warned about one by one. */
export function normalizeService(name: string, svc: PMap, keyPos: PNode['pos'], lookup: Lookup, ctx: NormalizeContext, opts: ServiceOptions): Service | undefined {
  warnDropped(name, svc, ctx);
  const image = resolveImage(name, svc, ctx, opts);
  if (image === undefined) return undefined;
  const container: Container = {
    image,
    pullPolicy: PULL_POLICIES[text(child(svc, 'pull_policy')) ?? ''],
    entrypoint: commandWords(child(svc, 'entrypoint'), ctx),
    command: commandWords(child(svc, 'command'), ctx),
    workingDir: text(child(svc, 'working_dir')),
    env: normalizeEnvironment(svc, lookup, ctx),
    mounts: normalizeMounts(svc, ctx),
    healthcheck: normalizeHealthcheck(svc, ctx),
    resources: normalizeResources(svc, ctx),
    security: normalizeSecurity(name, svc, ctx),
    tty: flag(child(svc, 'tty')),
    stdin: flag(child(svc, 'stdin_open')),
  };
  const platform = text(child(svc, 'platform'))?.split('/');
  const labels = normalizeLabels(svc);
  return {
    name,
    names: [],
    pos: keyPos,
    workload: normalizeWorkload(svc, ctx),
    container,
    ports: normalizePorts(child(svc, 'ports'), child(svc, 'expose'), ctx),
    annotations: labels.filter((l) => !l.key.startsWith('kompose.')),
    settings: normalizeSettings(name, svc, labels, container.resources, ctx),
    networks: serviceNetworks(svc),
    hostname: text(child(svc, 'hostname')),
    hostAliases: hostAliases(child(svc, 'extra_hosts')),
    dns: { nameservers: strings(child(svc, 'dns')), searches: strings(child(svc, 'dns_search')) },
    stopGracePeriodSeconds: duration(svc, 'stop_grace_period', ctx),
    ...(platform?.[0] ? { platform: { os: platform[0], ...(platform[1] ? { arch: platform[1] } : {}) } } : {}),
  };
}

function warnDropped(name: string, svc: PMap, ctx: NormalizeContext): void {
  for (const [key, e] of svc.entries) {
    if (!HANDLED.has(key) && !key.startsWith('x-')) {
      warn(ctx, Codes.droppedKey, `\`${key}\` of service \`${name}\` has no Kubernetes equivalent and is dropped`, e.keyPos);
    }
  }
  for (const [key, , pos] of entries(child(svc, 'deploy'))) {
    if (!DEPLOY_HANDLED.has(key) && !key.startsWith('x-')) {
      warn(ctx, Codes.droppedKey, `\`deploy.${key}\` of service \`${name}\` has no Kubernetes equivalent and is dropped`, pos);
    }
  }
}

/** The image, or the name docker compose gives a built image (`<project>-<service>`). */
function resolveImage(name: string, svc: PMap, ctx: NormalizeContext, opts: ServiceOptions): string | undefined {
  const image = text(child(svc, 'image'));
  if (image) return image;
  const build = child(svc, 'build');
  if (build) {
    const derived = `${opts.imagePrefix ?? ''}${ctx.projectName}-${name}`;
    warn(ctx, Codes.derivedImage, `service \`${name}\` has \`build\` but no \`image\`; using image \`${derived}\` (build and push it yourself; set a registry with --image-prefix)`, build);
    return derived;
  }
  report(ctx, Codes.missingKey, `service \`${name}\` has neither \`image\` nor \`build\``, svc);
  return undefined;
}

function commandWords(node: PNode | undefined, ctx: NormalizeContext): string[] | undefined {
  if (!node || (node.kind === 'scalar' && node.value === null)) return undefined;
  if (node.kind === 'seq') return strings(node);
  const words = splitShellWords(text(node) ?? '');
  if (!words) report(ctx, Codes.invalidValue, `unterminated quote in command ${JSON.stringify(text(node))}`, node);
  return words;
}

function normalizeSecurity(name: string, svc: PMap, ctx: NormalizeContext): Security {
  const user = text(child(svc, 'user'));
  const [uid, gid] = (user ?? '').split(':');
  const numeric = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  const explicitRoot = uid === 'root';
  if (user !== undefined && numeric(uid) === undefined && !explicitRoot) {
    warn(ctx, Codes.unrepresentable, `\`user: ${user}\` of service \`${name}\` is a name; Kubernetes needs a numeric uid, so the image's user is kept`, child(svc, 'user')!);
  }
  return {
    runAsUser: numeric(uid),
    ...(explicitRoot ? { explicitRoot } : {}),
    runAsGroup: numeric(gid),
    readOnlyRootFilesystem: flag(child(svc, 'read_only')),
    privileged: flag(child(svc, 'privileged')),
    capAdd: strings(child(svc, 'cap_add')),
    capDrop: strings(child(svc, 'cap_drop')),
    hostNetwork: hostNamespace(name, svc, 'network_mode', ctx),
    hostPID: hostNamespace(name, svc, 'pid', ctx),
    hostIPC: hostNamespace(name, svc, 'ipc', ctx),
  };
}

/** `network_mode`/`pid`/`ipc: host` share the node's namespace; other modes have no equivalent. */
function hostNamespace(name: string, svc: PMap, key: string, ctx: NormalizeContext): boolean {
  const mode = text(child(svc, key));
  if (mode === undefined || mode === 'host') return mode === 'host';
  const shared = key === 'network_mode' && (mode === 'bridge' || mode === 'default');
  if (!shared) warn(ctx, Codes.droppedKey, `\`${key}: ${mode}\` of service \`${name}\` has no Kubernetes equivalent and is dropped`, child(svc, key)!);
  return false;
}

/** The networks a service joins: compose attaches it to `default` when it names none. */
function serviceNetworks(svc: PMap): string[] {
  const node = child(svc, 'networks');
  const names = node?.kind === 'map' ? [...node.entries.keys()] : strings(node);
  return names.length > 0 ? names : ['default'];
}

function hostAliases(node: PNode | undefined): HostAlias[] {
  const byIp = new Map<string, string[]>();
  const add = (host: string, ip: string) => byIp.set(ip, [...(byIp.get(ip) ?? []), host]);
  if (node?.kind === 'map') for (const [host, ip] of entries(node)) for (const i of strings(ip)) add(host, i);
  for (const item of node?.kind === 'seq' ? strings(node) : []) {
    const m = /^([^:=]+)[:=](.+)$/.exec(item);
    if (m) add(m[1]!, m[2]!.replace(/^\[|\]$/g, ''));
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}
