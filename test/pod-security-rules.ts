/**
 * The baseline and restricted Pod Security Standards (Kubernetes 1.33), written from
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/. The relaxations for
 * user-namespaced and Windows pods are left out, so the checks are, if anything, stricter than
 * admission.
 */
import { dnsLabel } from '../src/emit/names.js';
import type { EmittedObjects } from './emitted-objects.js';

type Json = Record<string, any>;

/** A pod, or a controller's pod template. */
export interface PodLike {
  readonly metadata?: Json;
  readonly spec: Json;
}

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
const SELINUX_TYPES = new Set([undefined, '', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
const SECCOMP = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR = new Set([undefined, 'RuntimeDefault', 'Localhost']);
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** A pod's parts the rules read. */
function parts(pod: PodLike) {
  const spec = pod.spec;
  const psc: Json = spec['securityContext'] ?? {};
  const containers: Json[] = [...(spec['initContainers'] ?? []), ...(spec['containers'] ?? []), ...(spec['ephemeralContainers'] ?? [])];
  const csc = (c: Json): Json => c['securityContext'] ?? {};
  const any = (test: (sc: Json, c: Json) => boolean) => containers.some((c) => test(csc(c), c));
  const out: string[] = [];
  const rule = (broken: boolean, control: string) => broken && out.push(control);
  return { spec, psc, any, out, rule };
}

/** Each rule of the baseline profile the pod breaks, by the standard's control name. */
export function baselineViolations(pod: PodLike): string[] {
  const { spec, psc, any, out, rule } = parts(pod);
  rule(psc['windowsOptions']?.hostProcess === true || any((sc) => sc['windowsOptions']?.hostProcess === true), 'HostProcess');
  rule(spec['hostNetwork'] === true || spec['hostPID'] === true || spec['hostIPC'] === true, 'Host Namespaces');
  rule(any((sc) => sc['privileged'] === true), 'Privileged Containers');
  rule(any((_, c) => (c['ports'] ?? []).some((p: Json) => (p['hostPort'] ?? 0) !== 0)), 'Host Ports');
  const annotations: Json = pod.metadata?.['annotations'] ?? {};
  rule(
    !APPARMOR.has(psc['appArmorProfile']?.type) || any((sc) => !APPARMOR.has(sc['appArmorProfile']?.type))
      || Object.entries(annotations).some(([k, v]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')),
    'AppArmor',
  );
  const badSelinux = (o: Json | undefined) => o !== undefined && (!SELINUX_TYPES.has(o['type']) || !!o['user'] || !!o['role']);
  rule(badSelinux(psc['seLinuxOptions']) || any((sc) => badSelinux(sc['seLinuxOptions'])), 'SELinux');
  rule(any((sc) => sc['procMount'] !== undefined && sc['procMount'] !== 'Default'), '/proc Mount Type');
  rule((psc['sysctls'] ?? []).some((s: Json) => !SAFE_SYSCTLS.has(s['name'])), 'Sysctls');
  rule((spec['volumes'] ?? []).some((v: Json) => v['hostPath'] !== undefined), 'HostPath Volumes');
  rule(any((sc) => (sc['capabilities']?.add ?? []).some((c: string) => !BASELINE_CAPABILITIES.has(c))), 'Capabilities');
  rule(psc['seccompProfile']?.type === 'Unconfined' || any((sc) => sc['seccompProfile']?.type === 'Unconfined'), 'Seccomp');
  return out;
}

/** Each rule of the restricted profile the pod breaks: baseline's and restricted's own. */
export function restrictedViolations(pod: PodLike): string[] {
  const { spec, psc, any, out, rule } = parts(pod);
  out.push(...baselineViolations(pod).filter((c) => c !== 'Capabilities' && c !== 'Seccomp' && c !== 'HostPath Volumes'));
  rule((spec['volumes'] ?? []).some((v: Json) => !Object.keys(v).some((k) => VOLUME_TYPES.has(k))), 'Volume Types');
  rule(any((sc) => sc['allowPrivilegeEscalation'] !== false), 'Privilege Escalation');
  rule(psc['runAsNonRoot'] === false || any((sc) => sc['runAsNonRoot'] === false || (sc['runAsNonRoot'] === undefined && psc['runAsNonRoot'] !== true)), 'Running as Non-root');
  rule(psc['runAsUser'] === 0 || any((sc) => sc['runAsUser'] === 0), 'Running as Non-root user');
  const podSeccomp = psc['seccompProfile']?.type;
  rule(
    (podSeccomp !== undefined && !SECCOMP.has(podSeccomp)) || any((sc) => {
      const own = sc['seccompProfile']?.type;
      return own === undefined ? podSeccomp === undefined : !SECCOMP.has(own);
    }),
    'Seccomp',
  );
  rule(any((sc) => !(sc['capabilities']?.drop ?? []).includes('ALL') || (sc['capabilities']?.add ?? []).some((c: string) => c !== 'NET_BIND_SERVICE')), 'Capabilities');
  return out;
}

/** The pod templates of a manifest, if it is a pod or controls pods. */
export function podsOf(m: Json): PodLike[] {
  if (m['kind'] === 'Pod') return [m as PodLike];
  if (m['kind'] === 'CronJob') return [m['spec'].jobTemplate.spec.template];
  return m['spec']?.template?.spec ? [m['spec'].template] : [];
}

/**
 * Every pod meets the baseline Pod Security Standard unless the compile warned (TYC0702) that the
 * compose file asked for more; a pod the compiler made non-root meets the restricted one whole
 * (never half of it); and every warning is borne out by the pod.
 */
export function profileMismatches(runs: readonly EmittedObjects[], profile: 'baseline' | 'restricted' = 'baseline'): string[] {
  return runs.flatMap((run) => {
    // TYC0702 messages name the compose service; its controller carries the DNS form of that name.
    const services = new Set(run.diagnostics.filter((d) => d.startsWith('TYC0702 ')).map((d) => dnsLabel(/service `([^`]+)`/.exec(d)![1]!, true)));
    // Services of a group (kompose.service.group) run in the group's pod: their Services select it by name.
    const pods = run.manifests.filter((m) => m.kind === 'Service' && services.has(m.metadata.name)).map((m) => (m['spec'] as { selector?: Record<string, string> }).selector?.['app.kubernetes.io/name']);
    const warned = new Set([...services, ...pods.filter((p): p is string => p !== undefined)]);
    return run.manifests.flatMap((m) =>
      podsOf(m).flatMap((pod) => {
        const where = `${run.name}: ${m.kind} ${m.metadata.name}`;
        const baseline = baselineViolations(pod);
        const restricted = restrictedViolations(pod);
        const nonRoot = pod.spec['securityContext']?.runAsNonRoot === true;
        const broken = profile === 'restricted' ? restricted : baseline;
        if (broken.length > 0 && !warned.has(m.metadata.name)) return [`${where} breaks ${profile} (${broken.join(', ')}) without a TYC0702 warning`];
        if (broken.length === 0 && warned.has(m.metadata.name)) return [`${where} was warned about (TYC0702) but meets ${profile}`];
        if (nonRoot && restricted.length > 0 && !warned.has(m.metadata.name)) return [`${where} runs non-root but breaks restricted: ${restricted.join(', ')}`];
        return [];
      }),
    );
  });
}
