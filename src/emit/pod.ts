import type { BindPlacement, Container, HomePreparation, Mount, Probe, Resources, Security, Service, System } from '../model/system.js';
import { dnsLabel, joinedLabel, portName } from './names.js';
import { cpuQuantity, memoryQuantity } from './quantities.js';
import { shardEnv, shardSpread } from './shards.js';
import { k8s, type K8s } from '../../constructs/cdk8s.js';

/** The pod spec of one compose service: its Pod Security profile's security context, probes, mounts. */
export function podSpec(system: System, svc: Service): K8s.PodSpec {
  const { volumes, mounts } = podVolumes(system, svc);
  const restartPolicy = svc.workload.type === 'job' ? (svc.workload.restart === 'never' ? 'Never' : 'OnFailure') : 'Always';
  const account = svc.settings.serviceAccount?.value;
  return {
    // Only a pod that names its ServiceAccount talks to the Kubernetes API; no other gets a token.
    automountServiceAccountToken: account !== undefined,
    ...(account !== undefined ? { serviceAccountName: account } : {}),
    // Compose does not inject FOO_SERVICE_HOST-style variables; they can clash with the app's own.
    enableServiceLinks: false,
    restartPolicy,
    securityContext: podSecurityContext(svc.container.security),
    ...(svc.container.security.hostNetwork ? { hostNetwork: true } : {}),
    // The L1 classes spell these `hostPid` and `hostIpc` (and drop `hostPID` silently).
    ...(svc.container.security.hostPID ? ({ hostPid: true } satisfies Partial<K8s.PodSpec>) : {}),
    ...(svc.container.security.hostIPC ? ({ hostIpc: true } satisfies Partial<K8s.PodSpec>) : {}),
    ...initContainers(system, svc),
    ...(svc.settings.pullSecret ? { imagePullSecrets: [{ name: svc.settings.pullSecret.value }] } : {}),
    containers: [container(svc, mounts)],
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(svc.hostname ? { hostname: dnsLabel(svc.hostname) } : {}),
    ...(svc.hostAliases.length > 0 ? { hostAliases: svc.hostAliases.map((h) => ({ ip: h.ip, hostnames: [...h.hostnames] })) } : {}),
    ...(svc.dns.nameservers.length + svc.dns.searches.length > 0 ? { dnsConfig: dnsConfig(svc) } : {}),
    ...(svc.stopGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: Math.ceil(svc.stopGracePeriodSeconds) } : {}),
    ...(svc.platform ? { nodeSelector: nodeSelector(svc.platform) } : {}),
    ...gpuToleration(svc.container.resources),
    ...shardSpread(system, svc),
  };
}

/** The home's init containers, then the one Kompose's labels ask for. */
function initContainers(system: System, svc: Service): { initContainers?: K8s.Container[] } {
  const spec = svc.settings.initContainer?.value;
  const all = [
    ...(system.home ? homeInit(system, system.home, svc) : []),
    // As the service's own container runs, so the pod keeps its Pod Security profile.
    ...(spec ? [{ name: spec.name, image: spec.image, imagePullPolicy: 'IfNotPresent', ...(spec.command ? { command: [...spec.command] } : {}), resources: initResources(svc), securityContext: securityContext(svc.container) }] : []),
  ];
  return all.length > 0 ? { initContainers: all } : {};
}

/**
 * Init containers that make a user's directories on the homes' claim, running as the user
 * (restricted: non-root, no capability), so that they are the user's; shared ones are writable by
 * every user (sticky, as /tmp). The claim's root must be writable by the user's group (the pod's
 * fsGroup, where the volume type honours it). No shell: the paths are mkdir's arguments.
 */
function homeInit(system: System, home: HomePreparation, svc: Service): K8s.Container[] {
  const claimVolumes = new Set(system.volumes.filter((v) => v.external && (v.externalName ?? v.name) === home.claim).map((v) => v.name));
  const mount = svc.container.mounts.find((m) => m.type === 'volume' && m.volume !== undefined && claimVolumes.has(m.volume));
  if (!mount || mount.type !== 'volume') return [];
  const root = '/homes';
  const make = (name: string, args: readonly string[], dirs: readonly string[]): K8s.Container => ({
    name,
    image: home.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['mkdir', '-p', ...args, ...dirs.map((d) => `${root}/${d}`)],
    volumeMounts: [{ name: dnsLabel(`vol-${mount.volume}`), mountPath: root }],
    resources: initResources(svc),
    securityContext: { runAsUser: home.uid, runAsGroup: home.gid, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  });
  return [make('prepare-home', [], home.dirs), ...(home.shared.length > 0 ? [make('prepare-shared', ['-m', '1777'], home.shared)] : [])];
}

/**
 * An init container's own small size; in a core shard, the shard's: its pod must be Guaranteed
 * (every container's requests equal to its limits) for the static CPU manager to pin it.
 */
function initResources(svc: Service): K8s.ResourceRequirements {
  const { gpus: _, ...size } = svc.container.resources;
  const shard = svc.sharding?.granularity === 'core' ? resources(size).resources : undefined;
  return shard ?? { limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('32Mi') } };
}

/** GPU nodes are commonly tainted with the GPUs' resource name, so that only pods asking for GPUs land there. */
function gpuToleration(r: Resources): { tolerations?: K8s.Toleration[] } {
  if (!r.gpus || r.gpus.toleration === false) return {};
  return { tolerations: [{ key: r.gpus.resource ?? 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
}

function dnsConfig(svc: Service): K8s.PodDnsConfig {
  return {
    ...(svc.dns.nameservers.length > 0 ? { nameservers: [...svc.dns.nameservers] } : {}),
    ...(svc.dns.searches.length > 0 ? { searches: [...svc.dns.searches] } : {}),
  };
}

function nodeSelector(platform: NonNullable<Service['platform']>): Record<string, string> {
  return { 'kubernetes.io/os': platform.os, ...(platform.arch ? { 'kubernetes.io/arch': platform.arch } : {}) };
}

function container(svc: Service, volumeMounts: K8s.VolumeMount[]): K8s.Container {
  const c = svc.container;
  const ports = svc.ports.map((p) => ({ name: portName(p.protocol, p.target), containerPort: p.target, protocol: p.protocol, ...(p.hostPort ? { hostPort: p.hostPort } : {}) }));
  const env = [...shardEnv(svc, new Set(c.env.map((e) => e.name))), ...c.env.map((e) => ({ name: e.name, value: literal(e.value) }))];
  return {
    name: dnsLabel(svc.name),
    image: c.image,
    imagePullPolicy: svc.settings.pullPolicy?.value ?? c.pullPolicy ?? 'IfNotPresent',
    ...(c.entrypoint ? { command: c.entrypoint.map(literal) } : {}),
    ...(c.command ? { args: c.command.map(literal) } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
    ...(c.probes?.liveness ? { livenessProbe: probe(c.probes.liveness) } : {}),
    ...(c.probes?.readiness ? { readinessProbe: probe(c.probes.readiness) } : {}),
    ...(c.probes?.liveness && c.probes.startupFailureThreshold ? { startupProbe: probe(c.probes.liveness, c.probes.startupFailureThreshold) } : {}),
    ...resources(c.resources, svc.settings.ephemeralStorage?.value),
    securityContext: securityContext(c),
    // A container that fails leaves its last log lines in its status, where kubectl describe,
    // tychoc status and up --wait show them.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...(c.tty ? { tty: true } : {}),
    ...(c.stdin ? { stdin: true } : {}),
  };
}

/**
 * Kubernetes expands `$(VAR)` in env values, command and args; compose does not, so a
 * literal `$(` is escaped as `$$(` to reach the container unchanged.
 */
function literal(value: string): string {
  return value.replaceAll('$(', '$$$$(');
}

function probe(p: Probe, failureThreshold = p.timing.failureThreshold): K8s.Probe {
  const a = p.action;
  const action =
    a.type === 'exec' ? { exec: { command: [...a.command] } }
    : a.type === 'http' ? { httpGet: { path: a.path, port: k8s.IntOrString.fromNumber(a.port) } }
    : { tcpSocket: { port: k8s.IntOrString.fromNumber(a.port) } };
  const delay = p.timing.initialDelaySeconds;
  return { ...action, ...(delay ? { initialDelaySeconds: delay } : {}), periodSeconds: p.timing.periodSeconds, timeoutSeconds: p.timing.timeoutSeconds, failureThreshold };
}

/** `resources`, omitted when compose sets no limit or reservation (nor Kompose's ephemeral storage labels). */
function resources(r: Resources, ephemeral: { readonly request?: string; readonly limit?: string } = {}): { resources?: K8s.ResourceRequirements } {
  const limits: Record<string, K8s.Quantity> = {};
  const requests: Record<string, K8s.Quantity> = {};
  const q = (s: string) => k8s.Quantity.fromString(s);
  if (r.cpuLimit !== undefined) limits['cpu'] = q(cpuQuantity(r.cpuLimit));
  if (r.memoryLimitBytes !== undefined) limits['memory'] = q(memoryQuantity(r.memoryLimitBytes));
  if (r.cpuRequest !== undefined) requests['cpu'] = q(cpuQuantity(r.cpuRequest));
  if (r.memoryRequestBytes !== undefined) requests['memory'] = q(memoryQuantity(r.memoryRequestBytes));
  if (r.gpus) limits[r.gpus.resource ?? 'nvidia.com/gpu'] = q(String(r.gpus.count === 'all' ? 1 : r.gpus.count));
  if (ephemeral.limit) limits['ephemeral-storage'] = q(ephemeral.limit);
  if (ephemeral.request) requests['ephemeral-storage'] = q(ephemeral.request);
  const has = (o: object) => Object.keys(o).length > 0;
  if (!has(limits) && !has(requests)) return {};
  return { resources: { ...(has(limits) ? { limits } : {}), ...(has(requests) ? { requests } : {}) } };
}

/**
 * Seccomp's runtime default for every pod. A restricted pod also runs non-root, with its volumes
 * and projected files given to its group, and may bind any port: the sysctl is per pod network
 * namespace, where ports below 1024 protect nothing, and a non-root process gets no capability to
 * bind them (not even an added NET_BIND_SERVICE).
 */
function podSecurityContext(s: Security): K8s.PodSecurityContext {
  const restricted = s.profile === 'restricted';
  return {
    seccompProfile: { type: 'RuntimeDefault' },
    ...(restricted ? { runAsNonRoot: true } : {}),
    ...(s.fsGroup !== undefined ? { fsGroup: s.fsGroup, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    ...(restricted && !s.hostNetwork ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
  };
}

/**
 * No privilege escalation for any container. Restricted drops every capability (adding back only
 * NET_BIND_SERVICE); baseline keeps the runtime's defaults, which images that start as root and
 * drop to their own user need (chown, setuid), with compose's cap_add and cap_drop.
 */
function securityContext(c: Container): K8s.SecurityContext {
  const s = c.security;
  if (s.privileged) return { privileged: true, ...(s.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}) };
  const drop = s.profile === 'restricted' ? ['ALL'] : [...s.capDrop];
  const capabilities = { ...(drop.length > 0 ? { drop } : {}), ...(s.capAdd.length > 0 ? { add: [...s.capAdd] } : {}) };
  return {
    allowPrivilegeEscalation: false,
    ...(Object.keys(capabilities).length > 0 ? { capabilities } : {}),
    ...(s.runAsUser !== undefined ? { runAsUser: s.runAsUser } : {}),
    ...(s.runAsGroup !== undefined ? { runAsGroup: s.runAsGroup } : {}),
    ...(s.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
  };
}

/** Pod volumes and container mounts; one pod volume per named volume however often it is mounted. */
function podVolumes(system: System, svc: Service): { volumes: K8s.Volume[]; mounts: K8s.VolumeMount[] } {
  const volumes = new Map<string, K8s.Volume>();
  const mounts: K8s.VolumeMount[] = [];
  svc.container.mounts.forEach((m, i) => {
    const v = podVolume(system, m, i);
    volumes.set(v.name, v);
    const readOnly = ((m.type === 'volume' || m.type === 'bind') && m.readOnly) || (m.type === 'bind' && m.placement?.type === 'files');
    const subPath = subPathOf(system, m);
    mounts.push({ name: v.name, mountPath: m.target, ...(subPath ? { subPath } : {}), ...(readOnly ? { readOnly: true } : {}) });
  });
  return { volumes: [...volumes.values()], mounts };
}

function subPathOf(system: System, m: Mount): string | undefined {
  if (m.type === 'config' || m.type === 'secret') return fileKey(system, m);
  if (m.type === 'volume') return m.subPath;
  if (m.type !== 'bind') return undefined;
  if (m.placement?.type === 'files') return m.placement.file;
  return m.placement?.type === 'claim' ? m.placement.subPath || undefined : undefined;
}

function fileKey(system: System, m: Mount & { type: 'config' | 'secret' }): string {
  const objects = m.type === 'config' ? system.configs : system.secrets;
  return objects.find((o) => o.name === m.source)?.key ?? m.source;
}

function podVolume(system: System, m: Mount, index: number): K8s.Volume {
  switch (m.type) {
    case 'volume': {
      if (!m.volume) return { name: `anon-${index}`, emptyDir: {} };
      if (m.ephemeral) return { name: dnsLabel(`vol-${m.volume}`), emptyDir: {} };
      const def = system.volumes.find((v) => v.name === m.volume);
      const claimName = def?.external ? (def.externalName ?? def.name) : joinedLabel(system.name, m.volume);
      // Read-only is per mount; the claim is shared by every mount of it.
      return { name: dnsLabel(`vol-${m.volume}`), persistentVolumeClaim: { claimName } };
    }
    case 'bind': {
      const placement = m.placement ?? { type: 'emptyDir' };
      if (placement.type === 'claim') return { name: dnsLabel(`vol-${placement.claim}`), persistentVolumeClaim: { claimName: joinedLabel(system.name, placement.claim) } };
      if (placement.type === 'hostPath') return { name: `bind-${index}`, hostPath: { path: m.source } };
      if (placement.type === 'files') return projectFilesVolume(system, placement);
      return { name: `bind-${index}`, emptyDir: {} };
    }
    case 'tmpfs':
      return { name: `tmpfs-${index}`, emptyDir: { medium: 'Memory', ...(m.sizeBytes ? { sizeLimit: k8s.Quantity.fromString(memoryQuantity(m.sizeBytes)) } : {}) } };
    case 'config':
    case 'secret': {
      const objects = m.type === 'config' ? system.configs : system.secrets;
      const def = objects.find((o) => o.name === m.source);
      const objectName = def?.external ? (def.externalName ?? def.name) : joinedLabel(system.name, m.source);
      const key = fileKey(system, m);
      const items = [{ key, path: key, ...(m.mode !== undefined ? { mode: m.mode } : {}) }];
      // Mounts of one object with different modes need their own pod volumes.
      const name = dnsLabel(`${m.type}-${m.source}${m.mode !== undefined ? `-${m.mode.toString(8)}` : ''}`);
      return m.type === 'config' ? { name, configMap: { name: objectName, items } } : { name, secret: { secretName: objectName, items } };
    }
  }
}

/** A project file set's ConfigMap as a pod volume: every file at its path with its mode, or the one file mounted alone. */
function projectFilesVolume(system: System, placement: Extract<BindPlacement, { type: 'files' }>): K8s.Volume {
  const set = system.projectFiles?.find((s) => s.name === placement.set);
  const files = [...(set?.files ?? [])].filter(([key]) => placement.file === undefined || key === placement.file);
  const items = files.map(([key, f]) => ({ key, path: f.path || key, mode: f.mode }));
  return { name: dnsLabel(placement.set), configMap: { name: joinedLabel(system.name, placement.set), items } };
}
