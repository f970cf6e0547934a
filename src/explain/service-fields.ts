import type { Service, System } from '../model/system.js';
import type { Manifest } from '../emit/chart.js';
import { dnsLabel } from '../emit/names.js';
import { DEFAULT, type ComposeKeys, type Origin } from './origin.js';

type Path = readonly (string | number)[];
type PodSpec = { containers?: { volumeMounts?: { name: string; mountPath: string }[] }[]; volumes?: { name: string }[] };

/** Where a workload kind keeps its pod spec. */
const POD_SPEC: Readonly<Record<string, Path>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * What caused one field of a service's workload or Service, by its path in the object; `sid`: what
 * set the system id (--sid, or the project's name it is made from).
 */
export function serviceFieldOrigin(keys: ComposeKeys, system: System, svc: Service, m: Manifest, path: Path, value: unknown, sid: Origin): Origin {
  const s = ['services', svc.name];
  const kind = m.kind;
  const objectName = m.metadata.name;
  const podSpec = POD_SPEC[kind];
  if (podSpec && startsWith(path, podSpec)) return podFieldOrigin(keys, svc, podSpec.reduce<any>((o, k) => o?.[k], m), path.slice(podSpec.length), value) ?? keys.of(svc.pos)!;
  const [top, second, third] = path;
  if (top === 'metadata') {
    if (second === 'name') return objectName === dnsLabel(svc.name, true) ? keys.of(svc.pos)! : aliasOrigin(keys, svc, objectName);
    if (second === 'labels') return labelOrigin(keys, system, svc, String(third), sid);
    if (second === 'annotations') return keys.of(svc.annotations.find((a) => a.key === third)?.pos) ?? keys.at(...s, 'x-tycho') ?? DEFAULT;
    if (second === 'namespace') return { type: 'option', option: '--namespace' };
  }
  if (top === 'spec') {
    if (second === 'selector') return labelOrigin(keys, system, svc, String(path.at(-1)), sid);
    if (path.includes('metadata') && path.includes('labels')) return labelOrigin(keys, system, svc, String(path.at(-1)), sid);
    if (path.includes('metadata') && path.includes('annotations')) return DEFAULT; // the files hash and the default container
    if (second === 'replicas') return keys.of(svc.settings.shards?.pos) ?? keys.first([...s, 'deploy', 'replicas'], [...s, 'scale']) ?? DEFAULT;
    if (kind === 'Service') return serviceSpecOrigin(keys, svc, path.slice(1), value);
    if (second === 'backoffLimit') return keys.at(...s, 'deploy', 'restart_policy', 'max_attempts') ?? DEFAULT;
    if (second === 'schedule' || second === 'concurrencyPolicy') return keys.at(...s, 'x-tycho') ?? DEFAULT;
    if (second === 'podManagementPolicy' || second === 'serviceName') return keys.of(svc.settings.shards?.pos) ?? keys.of(svc.settings.controller?.pos) ?? DEFAULT;
  }
  return DEFAULT;
}

function podFieldOrigin(keys: ComposeKeys, svc: Service, spec: PodSpec, path: Path, value: unknown): Origin | undefined {
  const s = ['services', svc.name];
  const [top, index, field, ...rest] = path;
  if (top === 'containers' && index === 0) {
    if (field === 'volumeMounts') return mountOrigin(keys, svc, spec.containers?.[0]?.volumeMounts?.[rest[0] as number]?.mountPath);
    return containerFieldOrigin(keys, svc, [field!, ...rest], value);
  }
  if (top === 'initContainers') return DEFAULT; // made for homes and the volumes pass
  if (top === 'volumes' && typeof index === 'number') {
    // A volume is there for the mount of its name.
    const mount = spec.containers?.[0]?.volumeMounts?.find((v) => v.name === spec.volumes?.[index]?.name);
    return mountOrigin(keys, svc, mount?.mountPath);
  }
  switch (top) {
    case 'hostNetwork': return keys.at(...s, 'network_mode') ?? DEFAULT;
    case 'hostPID': return keys.at(...s, 'pid') ?? DEFAULT;
    case 'hostIPC': return keys.at(...s, 'ipc') ?? DEFAULT;
    case 'hostname': return keys.at(...s, 'hostname') ?? DEFAULT;
    case 'subdomain': return keys.at(...s, 'domainname') ?? DEFAULT;
    case 'hostAliases': return keys.at(...s, 'extra_hosts') ?? DEFAULT;
    case 'dnsConfig': return keys.first([...s, field === 'searches' || index === 'searches' ? 'dns_search' : 'dns'], [...s, 'dns']) ?? DEFAULT;
    case 'dnsPolicy': return keys.first([...s, 'dns'], [...s, 'network_mode']) ?? DEFAULT;
    case 'terminationGracePeriodSeconds': return keys.at(...s, 'stop_grace_period') ?? DEFAULT;
    case 'restartPolicy': return keys.at(...s, 'restart') ?? keys.at(...s, 'deploy', 'restart_policy') ?? DEFAULT;
    case 'nodeSelector': return keys.at(...s, 'platform') ?? DEFAULT;
    case 'serviceAccountName': return keys.of(svc.settings.serviceAccount?.pos) ?? DEFAULT;
    case 'automountServiceAccountToken': return keys.of(svc.settings.serviceAccount?.pos) ?? DEFAULT;
    case 'securityContext': return securityOrigin(keys, svc, String(index)) ?? DEFAULT;
    case 'tolerations': return keys.of(svc.container.resources.gpus?.pos) ?? { type: 'policy', setting: 'gpus.toleration' };
    case 'topologySpreadConstraints':
    case 'affinity': return keys.of(svc.settings.shards?.pos) ?? DEFAULT;
    default: return DEFAULT;
  }
}

function containerFieldOrigin(keys: ComposeKeys, svc: Service, path: Path, value: unknown): Origin {
  const s = ['services', svc.name];
  const c = svc.container;
  const [field, index, sub] = path;
  switch (field) {
    case 'name': return keys.of(svc.pos)!;
    case 'image': return keys.first([...s, 'image'], [...s, 'build']) ?? DEFAULT;
    case 'imagePullPolicy': return keys.at(...s, 'pull_policy') ?? DEFAULT;
    case 'command': return keys.at(...s, 'entrypoint', index as number) ?? keys.at(...s, 'entrypoint') ?? DEFAULT;
    case 'args': return keys.at(...s, 'command', index as number) ?? keys.at(...s, 'command') ?? DEFAULT;
    case 'workingDir': return keys.at(...s, 'working_dir') ?? DEFAULT;
    case 'tty': return keys.at(...s, 'tty') ?? DEFAULT;
    case 'stdin': return keys.at(...s, 'stdin_open') ?? DEFAULT;
    case 'env': {
      const name = (value !== undefined && sub === 'name' ? value : undefined) as string | undefined;
      const env = c.env[index as number];
      const found = name !== undefined ? c.env.find((e) => e.name === name) : env;
      return keys.of(found?.pos, found?.origins) ?? keys.of(svc.settings.shards?.pos) ?? DEFAULT;
    }
    case 'ports': {
      const port = svc.ports[index as number];
      return keys.of(port?.pos) ?? DEFAULT;
    }
    case 'resources': return resourceOrigin(keys, svc, path.slice(1)) ?? DEFAULT;
    case 'livenessProbe':
    case 'readinessProbe':
    case 'startupProbe': {
      const timing = { periodSeconds: 'interval', timeoutSeconds: 'timeout', failureThreshold: field === 'startupProbe' ? 'start_period' : 'retries' }[String(index)];
      return (timing && keys.at(...s, 'healthcheck', timing)) || keys.of(svc.settings.probe?.pos) || keys.of(c.healthcheck?.pos) || DEFAULT;
    }
    case 'securityContext': return securityOrigin(keys, svc, String(index), sub) ?? DEFAULT;
    default: return DEFAULT;
  }
}

/** The compose mount of a container path (the volumes pass may add mounts of its own, such as a home). */
function mountOrigin(keys: ComposeKeys, svc: Service, mountPath: string | undefined): Origin {
  return keys.of(svc.container.mounts.find((m) => m.target === mountPath)?.pos) ?? DEFAULT;
}

function resourceOrigin(keys: ComposeKeys, svc: Service, path: Path): Origin | undefined {
  const s = ['services', svc.name];
  const [side, resource] = path;
  if (svc.settings.shards && (resource === 'cpu' || resource === 'memory')) return keys.of(svc.settings.shards.pos);
  if (resource === 'cpu') return side === 'limits' ? keys.first([...s, 'deploy', 'resources', 'limits', 'cpus'], [...s, 'cpus']) : keys.first([...s, 'deploy', 'resources', 'reservations', 'cpus'], [...s, 'deploy', 'resources', 'limits', 'cpus'], [...s, 'cpus']);
  if (resource === 'memory') return side === 'limits' ? keys.first([...s, 'deploy', 'resources', 'limits', 'memory'], [...s, 'mem_limit']) : keys.first([...s, 'deploy', 'resources', 'reservations', 'memory'], [...s, 'mem_reservation'], [...s, 'deploy', 'resources', 'limits', 'memory'], [...s, 'mem_limit']);
  return keys.of(svc.container.resources.gpus?.pos) ?? { type: 'policy', setting: 'gpus.resource' };
}

/** Security settings the compose file asks for, else the profile the policy sets. */
function securityOrigin(keys: ComposeKeys, svc: Service, field: string, sub?: string | number): Origin | undefined {
  const s = ['services', svc.name];
  const profile: Origin = { type: 'policy', setting: 'security.profile' };
  switch (field) {
    case 'runAsUser':
    case 'runAsGroup': return keys.at(...s, 'user') ?? profile;
    case 'runAsNonRoot': return keys.at(...s, 'user') ?? profile;
    case 'readOnlyRootFilesystem': return keys.at(...s, 'read_only');
    case 'privileged': return keys.at(...s, 'privileged');
    case 'capabilities': return (sub === 'add' ? keys.at(...s, 'cap_add') : keys.at(...s, 'cap_drop')) ?? profile;
    case 'fsGroup': return keys.of(svc.settings.fsGroup?.pos) ?? { type: 'policy', setting: 'security.fsGroup' };
    case 'supplementalGroups': return keys.at(...s, 'group_add');
    case 'sysctls': return keys.at(...s, 'sysctls');
    default: return profile;
  }
}

/** A Service of another name of the service: its `container_name`, a network alias or a `links` alias. */
function aliasOrigin(keys: ComposeKeys, svc: Service, objectName: string): Origin {
  return keys.of(svc.names.find((n) => dnsLabel(n.name, true) === objectName)?.pos) ?? keys.of(svc.settings.shards?.pos) ?? keys.of(svc.pos)!;
}

function serviceSpecOrigin(keys: ComposeKeys, svc: Service, path: Path, value: unknown): Origin {
  const [field, index] = path;
  if (field === 'ports') return keys.of(svc.ports.find((p) => p.target === (typeof value === 'number' && path[2] === 'port' ? value : svc.ports[index as number]?.target))?.pos) ?? DEFAULT;
  if (field === 'type' || field === 'clusterIP') return keys.of(svc.settings.expose?.pos) ?? (svc.ports.length === 0 ? DEFAULT : { type: 'policy', setting: 'ports.defaultType' });
  return DEFAULT;
}

/** Labels: the compose names they carry, the options that set the system's. */
export function labelOrigin(keys: ComposeKeys, system: System, svc: Service | undefined, label: string, sid: Origin): Origin {
  if (label === 'app.kubernetes.io/name') return svc ? keys.of(svc.pos)! : DEFAULT;
  if (label === 'app-name' || label === 'app.kubernetes.io/instance' || label === 'app.kubernetes.io/part-of') return keys.at('name') ?? DEFAULT;
  if (label === 'tycho-guid' || label === 'name') return sid;
  if (label === 'username') return { type: 'option', option: '--username' };
  if (label.startsWith('network.tychoc.io/') && system.isolation) return (svc && keys.at('services', svc.name, 'networks')) || { type: 'policy', setting: 'networks.policies' };
  return DEFAULT;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.every((p, i) => path[i] === p);
}
