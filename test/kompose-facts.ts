/**
 * The semantic fields of a manifest stream, as `key → value` facts, so that two tools' outputs
 * can be compared on what they mean rather than on their bytes: which workloads run with which
 * images, ports, probes, mounts and claims, how Services are exposed, what CronJobs, autoscalers
 * and Ingresses say. Keys name things by the names both tools give them (service names);
 * volume claims, which the tools name differently, are described at the mount that uses them.
 */
export type Facts = Map<string, string>;

type Obj = { kind: string; metadata: { name: string }; spec?: any };

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']);

export function factsOf(objects: readonly Obj[]): Facts {
  const facts: Facts = new Map();
  const claims = new Map(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => [o.metadata.name, o]));
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) facts.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  };
  for (const o of objects) {
    const name = o.metadata.name;
    const spec = o.spec ?? {};
    if (WORKLOADS.has(o.kind)) {
      set(`${name} kind`, o.kind);
      if (o.kind === 'Deployment' || o.kind === 'StatefulSet') set(`${name} replicas`, spec.replicas);
      if (o.kind === 'CronJob') {
        set(`${name} schedule`, spec.schedule);
        set(`${name} concurrencyPolicy`, spec.concurrencyPolicy ?? 'Allow');
        set(`${name} backoffLimit`, spec.jobTemplate?.spec?.backoffLimit);
      }
      const pod = o.kind === 'Pod' ? spec : o.kind === 'CronJob' ? spec.jobTemplate?.spec?.template?.spec : spec.template?.spec;
      if (pod) podFacts(name, pod, claims, set);
    }
    if (o.kind === 'Service') {
      set(`Service ${name} type`, spec.clusterIP === 'None' ? 'Headless' : (spec.type ?? 'ClusterIP'));
      set(`Service ${name} ports`, (spec.ports ?? []).map((p: any) => `${p.port}->${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}${p.nodePort ? ` node ${p.nodePort}` : ''}`).sort());
      set(`Service ${name} externalTrafficPolicy`, spec.externalTrafficPolicy);
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      set(`HPA ${name} target`, `${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`);
      set(`HPA ${name} replicas`, `${spec.minReplicas ?? 1}-${spec.maxReplicas}`);
      set(`HPA ${name} metrics`, (spec.metrics ?? []).map((m: any) => `${m.resource.name} ${m.resource.target.averageUtilization}%`).sort());
    }
    if (o.kind === 'Ingress') {
      for (const rule of spec.rules ?? []) {
        for (const p of rule.http?.paths ?? []) set(`Ingress ${rule.host ?? '*'}${p.path ?? '/'}`, `${p.backend.service.name}:${p.backend.service.port.number ?? p.backend.service.port.name}`);
      }
      set(`Ingress class of ${name}`, spec.ingressClassName);
      for (const t of spec.tls ?? []) set(`Ingress TLS ${(t.hosts ?? []).join(',') || '*'}`, t.secretName ?? '(default)');
    }
  }
  return facts;
}

function podFacts(name: string, pod: any, claims: Map<string, Obj>, set: (key: string, value: unknown) => void): void {
  set(`${name} restartPolicy`, pod.restartPolicy ?? 'Always');
  set(`${name} fsGroup`, pod.securityContext?.fsGroup);
  set(`${name} serviceAccount`, pod.serviceAccountName);
  set(`${name} imagePullSecrets`, (pod.imagePullSecrets ?? []).map((s: any) => s.name));
  set(`${name} init containers`, (pod.initContainers ?? []).map((c: any) => `${c.image} ${JSON.stringify([...(c.command ?? []), ...(c.args ?? [])])}`));
  const volumes = new Map((pod.volumes ?? []).map((v: any) => [v.name, v]));
  (pod.containers ?? []).forEach((c: any, i: number) => {
    const at = `${name} container ${i}`;
    set(`${at} image`, c.image);
    set(`${at} imagePullPolicy`, c.imagePullPolicy);
    set(`${at} ports`, (c.ports ?? []).map((p: any) => `${p.containerPort}/${p.protocol ?? 'TCP'}${p.hostPort ? ` host ${p.hostPort}` : ''}`).sort());
    set(`${at} liveness`, probe(c.livenessProbe));
    set(`${at} readiness`, probe(c.readinessProbe));
    for (const m of c.volumeMounts ?? []) set(`${at} mount ${m.mountPath}`, mount(m, volumes.get(m.name), claims));
  });
}

/** A probe's action and timings. */
function probe(p: any): string | undefined {
  if (!p) return undefined;
  const action = p.httpGet ? `http ${p.httpGet.path ?? '/'} ${p.httpGet.port}` : p.tcpSocket ? `tcp ${p.tcpSocket.port}` : p.exec ? `exec ${JSON.stringify(p.exec.command)}` : 'none';
  const timing = ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'initialDelaySeconds'].filter((k) => p[k] !== undefined).map((k) => `${k}=${p[k]}`);
  return [action, ...timing].join(' ');
}

/** Where a mount's files come from: a claim (its size, class and access), scratch space, the node, or a ConfigMap/Secret. */
function mount(m: any, v: any, claims: Map<string, Obj>): string {
  const sub = m.subPath ? ` subPath ${m.subPath}` : '';
  if (!v) return `unknown${sub}`;
  if (v.persistentVolumeClaim) {
    const c = claims.get(v.persistentVolumeClaim.claimName)?.spec;
    const details = c ? ` ${c.resources?.requests?.storage ?? '?'}${c.storageClassName ? ` class ${c.storageClassName}` : ''}` : '';
    return `claim${details}${sub}`;
  }
  const type = ['emptyDir', 'hostPath', 'configMap', 'secret'].find((t) => v[t]) ?? 'other';
  return `${type}${sub}`;
}
