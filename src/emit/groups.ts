import type { K8s } from '../../constructs/cdk8s.js';
import type { Service, System } from '../model/system.js';
import { dnsLabel } from './names.js';

/** The services of a service's pod, in the system's order: its group (set by the groups pass), or itself alone. */
export function podMembers(system: System, svc: Service): Service[] {
  return svc.pod ? system.services.filter((s) => s.pod === svc.pod) : [svc];
}

/**
 * One pod spec from the pod specs of a group's services: their containers and init containers
 * side by side, their volumes merged (scratch space, or a volume of the same name but another
 * source, renamed after its service), pull secrets and tolerations together. The groups pass has
 * checked that the pod-level fields agree; the pod runs as restricted only if every member's would.
 */
export function mergePodSpecs(members: readonly { readonly service: string; readonly spec: K8s.PodSpec }[]): K8s.PodSpec {
  const [first, ...rest] = members;
  const volumes = new Map((first!.spec.volumes ?? []).map((v) => [v.name, v]));
  let merged: K8s.PodSpec = first!.spec;
  for (const { service, spec } of rest) {
    const renames = new Map<string, string>();
    for (const v of spec.volumes ?? []) {
      const known = volumes.get(v.name);
      // A named volume or file set is the same for every member; scratch space (anonymous, tmpfs) is each one's own.
      const scratch = v.emptyDir !== undefined && !v.name.startsWith('vol-');
      if (known && !scratch && JSON.stringify(known) === JSON.stringify(v)) continue;
      const name = known ? dnsLabel(`${service}-${v.name}`) : v.name;
      if (name !== v.name) renames.set(v.name, name);
      volumes.set(name, { ...v, name });
    }
    const remount = (c: K8s.Container): K8s.Container =>
      c.volumeMounts ? { ...c, volumeMounts: c.volumeMounts.map((m) => ({ ...m, name: renames.get(m.name) ?? m.name })) } : c;
    merged = {
      ...merged,
      // A baseline member's pod context is the weaker one: restricted's runAsNonRoot and sysctl would bind it too.
      securityContext: merged.securityContext?.runAsNonRoot ? spec.securityContext : merged.securityContext,
      containers: [...merged.containers, ...spec.containers.map(remount)],
      ...together('initContainers', merged.initContainers, spec.initContainers?.map(remount)),
      ...together('imagePullSecrets', merged.imagePullSecrets, spec.imagePullSecrets),
      ...together('tolerations', merged.tolerations, spec.tolerations),
    };
  }
  return { ...merged, ...(volumes.size > 0 ? { volumes: [...volumes.values()] } : {}) };
}

/** Two optional lists as one, each item once. */
function together<K extends string, T>(key: K, a: readonly T[] | undefined, b: readonly T[] | undefined): Partial<Record<K, T[]>> {
  const items = new Map([...(a ?? []), ...(b ?? [])].map((i) => [JSON.stringify(i), i]));
  return items.size > 0 ? ({ [key]: [...items.values()] } as Record<K, T[]>) : {};
}
