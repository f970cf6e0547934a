import type { SourcePos } from '../diagnostics.js';

/**
 * The system model: what a compose project asks for, in compose's own terms but with every
 * syntax normalized, and no Kubernetes types. Every element keeps the position that caused it.
 */
export interface System {
  /** The compose project name. */
  readonly name: string;
  readonly services: readonly Service[];
  readonly volumes: readonly Volume[];
  readonly configs: readonly FileObject[];
  readonly secrets: readonly FileObject[];
  readonly networks: readonly Network[];
  /** Project files bind mounts ship in ConfigMaps (set by the volumes pass). */
  readonly projectFiles?: readonly ProjectFileSet[];
  /** Labels every object carries (set by the labels pass). */
  readonly labels: Readonly<Record<string, string>>;
  /** Public path prefixes routed to services (set by the proxy-rewrite pass). */
  readonly routes?: readonly Route[];
  /** Who may reach each service, when traffic is confined to compose networks (set by the networks pass). */
  readonly isolation?: readonly Isolation[];
  /** Directories a system launched for a user needs on a shared claim, made before its services start (set by the home pass). */
  readonly home?: HomePreparation;
}

/**
 * Users' homes are directories of one shared claim: the user's own is made by an init container
 * running as the user, so that it is the user's, before any container mounts it as a sub-path.
 */
export interface HomePreparation {
  /** The shared claim, by its name (an external volume of the compose file mounts it). */
  readonly claim: string;
  /** Paths below the claim's root: the user's directory first, then directories every user shares (made writable by all, sticky). */
  readonly dirs: readonly string[];
  readonly shared: readonly string[];
  readonly image: string;
  readonly uid: number;
  readonly gid: number;
}

/** A public path prefix served by one port of a service, rewritten before it reaches the app. */
export interface Route extends Traced {
  readonly service: string;
  readonly port: number;
  /** The public prefix, e.g. `/private/<app>/<user>/<sid>/`; always starts and ends with `/`. */
  readonly prefix: string;
  /** What the prefix is replaced with, e.g. `/`. */
  readonly rewrite: string;
  /** Who serves the route: an Ambassador mapping on the Service, an Ingress, or a Gateway API route. */
  readonly via: 'ambassador' | 'ingress' | 'httproute';
  /** The gateway an HTTP route attaches to. */
  readonly gateway?: { readonly name: string; readonly namespace?: string };
}

/** Which peers may open connections to a service's pods. */
export interface Isolation {
  readonly service: string;
  /** Its networks: pods of any service on one of them may reach every port; none: every pod of the system may. */
  readonly networks: readonly string[];
  /** Ports anyone may reach: published beyond the cluster, routed by the proxy, or on an external network. */
  readonly open: readonly { readonly port: number; readonly protocol: Protocol }[];
  /** Address ranges allowed to connect in place of anyone, on the service's ports (every port when it lists none). */
  readonly clients?: { readonly cidrs: readonly string[]; readonly ports: readonly { readonly port: number; readonly protocol: Protocol }[] };
}

/** A compose network; services on a shared network may talk to each other. */
export interface Network extends Traced {
  readonly name: string;
  readonly external: boolean;
}

/** A setting and the line that asked for it (`x-tycho` or a `kompose.*` label). */
export interface Setting<T> {
  readonly value: T;
  readonly pos: SourcePos;
}

export type Exposure = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'Headless';

/** Host names and paths routed to a service's first port. */
export interface IngressSpec {
  /** One rule each; no host: any host. Paths start with `/`. */
  readonly rules: readonly { readonly host?: string; readonly path: string }[];
  /** TLS for the rules' hosts: with the certificate of this Secret, or `true` for the controller's default. */
  readonly tls?: string | true;
  readonly className?: string;
}

/** `persistentVolumeClaim`: claims; `emptyDir`: scratch space of the pod; `hostPath`: the node's path; `configMap`: shipped files. */
export type VolumeType = 'persistentVolumeClaim' | 'emptyDir' | 'hostPath' | 'configMap';

/** Checks the labels give: liveness's action; readiness's action, timings, or none at all. */
export interface CheckLabels {
  readonly liveness?: ProbeAction;
  readonly readiness?: {
    readonly disabled: boolean;
    readonly action?: ProbeAction;
    readonly intervalSeconds?: number;
    readonly timeoutSeconds?: number;
    readonly retries?: number;
    readonly startPeriodSeconds?: number;
  };
}

export interface InitContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
}

/** Per-service settings from the `x-tycho` extension or Kompose's `kompose.*` labels. */
export interface ServiceSettings {
  readonly expose?: Setting<Exposure>;
  /** The node port of the service's one port (`kompose.service.nodeport.port`). */
  readonly nodePort?: Setting<number>;
  /** `Local`: traffic from outside goes to pods on the node it reached (`kompose.service.external-traffic-policy`). */
  readonly externalTrafficPolicy?: Setting<'Cluster' | 'Local'>;
  /** Bind the ports on the node too (`kompose.controller.port.expose`). */
  readonly hostPorts?: Setting<boolean>;
  /** An Ingress in front of the service (`kompose.service.expose*`). */
  readonly ingress?: Setting<IngressSpec>;
  /** Services of one group run as containers of one pod (`kompose.service.group`). */
  readonly group?: Setting<string>;
  readonly pullPolicy?: Setting<'Always' | 'IfNotPresent' | 'Never'>;
  /** The Secret holding the registry's credentials (`kompose.image-pull-secret`). */
  readonly pullSecret?: Setting<string>;
  /** Where the service's volumes and bind mounts go, over the policy's choice (`kompose.volume.type`). */
  readonly volumeType?: Setting<VolumeType>;
  /** A sub-path of each volume the service mounts (`kompose.volume.subpath`). */
  readonly volumeSubPath?: Setting<string>;
  /** Liveness and readiness checks set apart (`kompose.service.healthcheck.*`). */
  readonly checks?: Setting<CheckLabels>;
  /** A container that runs to completion before the service's starts (`kompose.init.containers.*`). */
  readonly initContainer?: Setting<InitContainerSpec>;
  /** Local scratch disk the container asks for and may use, as quantities (`kompose.ephemeral-storage.*`). */
  readonly ephemeralStorage?: Setting<{ readonly request?: string; readonly limit?: string }>;
  readonly volumeSize?: Setting<string>;
  readonly storageClass?: Setting<string>;
  readonly controller?: Setting<'deployment' | 'daemonset' | 'statefulset'>;
  readonly fsGroup?: Setting<number>;
  readonly probe?: Setting<ProbeAction>;
  readonly proxyRewrite?: Setting<{ readonly prefix?: string; readonly rewrite: string }>;
  /** The ServiceAccount the pods run as, with its token mounted (they talk to the Kubernetes API). */
  readonly serviceAccount?: Setting<string>;
  /** N shards of the service laid out over the cluster's nodes or cores, behind one frontend (`x-tycho.shards`). */
  readonly shards?: Setting<ShardSpec>;
  /** Run on a schedule as a CronJob (Kompose's `kompose.cronjob.*` labels). */
  readonly cronJob?: Setting<CronJobSpec>;
  /** Scale between bounds on CPU and memory use (Kompose's `kompose.hpa.*` labels). */
  readonly autoscale?: Setting<AutoscaleSpec>;
}

/** When and how a service that runs to completion is started again and again. */
export interface CronJobSpec {
  /** Cron syntax (five fields, such as `0 3 * * *`) or a macro such as `@hourly`. */
  readonly schedule: string;
  /** What happens when a run is due while the last is still going (Kubernetes' default: Allow). */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** Retries of a failed run. */
  readonly backoffLimit?: number;
}

/** Replica bounds and the average utilization (percent of the pods' requests) the autoscaler keeps. */
export interface AutoscaleSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization: number;
  readonly memoryUtilization: number;
}

/** How a service is split into shards (see the shards pass and src/plan/). */
export interface ShardSpec {
  /** How many; `auto`: one per schedulable node (node), or as many as fit (core), decided by the planner. */
  readonly count: number | 'auto';
  /** `node`: one shard per node, spread; `core`: shards of whole CPUs, pinned by a static CPU manager. */
  readonly granularity: 'node' | 'core';
  /** Whole CPUs of each shard (core: default the service's CPU limit when it is whole, else 1; node: none unless given). */
  readonly cpusPerShard?: number;
  /** Memory of each shard (core: required, or the service's memory limit; node: none unless given). */
  readonly memoryPerShardBytes?: number;
}

/**
 * A service run as shards (decided by the shards pass): a StatefulSet of `count` pods, each
 * knowing its index, reached together through the service's own Service. A shard's size is in
 * its container's resources, requests equal to limits.
 */
export interface Sharding {
  /** How many shards, `count: auto` resolved by the plan. */
  readonly count: number;
  /** `node`: at most one shard per node, spread; `core`: Guaranteed pods of whole CPUs. */
  readonly granularity: 'node' | 'core';
}

/** How a probe checks a container. */
export type ProbeAction =
  | { readonly type: 'exec'; readonly command: readonly string[] }
  | { readonly type: 'http'; readonly path: string; readonly port: number }
  | { readonly type: 'tcp'; readonly port: number };

/** Where a bind mount's files live on Kubernetes (decided by the volumes pass). */
export type BindPlacement =
  | { readonly type: 'claim'; readonly claim: string; readonly subPath: string }
  | { readonly type: 'hostPath' }
  | { readonly type: 'emptyDir' }
  /** Shipped in the manifests: a ConfigMap of the project's files (`file`: the key of a single file, mounted alone). */
  | { readonly type: 'files'; readonly set: string; readonly file?: string };

/** A file of the project, as a bind mount ships it. */
export interface ProjectFile {
  /** Where it lies below the mount's target (`''` for a file mounted alone). */
  readonly path: string;
  readonly content: Buffer;
  /** 0755 or 0644, as git keeps modes: a shipped script stays executable. */
  readonly mode: number;
}

/** What a bind mount's source inside the project held at compile time. */
export type BindSource =
  | { readonly type: 'file'; readonly file: ProjectFile }
  | { readonly type: 'directory'; readonly files: readonly ProjectFile[]; readonly skipped: readonly string[] }
  /** More than a ConfigMap can hold (1 MiB). */
  | { readonly type: 'too-large' }
  | { readonly type: 'missing' };

/** Project files shipped as one ConfigMap (made by the volumes pass). */
export interface ProjectFileSet extends Traced {
  /** The bind mount's source, relative to the project. */
  readonly source: string;
  /** The set's name within the project; the ConfigMap is `<project>-<name>`. */
  readonly name: string;
  /** Key in the ConfigMap → file. */
  readonly files: ReadonlyMap<string, ProjectFile>;
}

/** A volume's claim (decided by the volumes pass). */
export interface ClaimSpec {
  readonly size: string;
  readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
  readonly storageClass?: string;
  /** Binds only a volume labelled `io.kompose.service` with this value. */
  readonly selector?: string;
}

export interface Traced {
  readonly pos: SourcePos;
}

/** How the service runs: a long-running set of replicas, one per node, or to completion. */
export type Workload =
  | { readonly type: 'replicated'; readonly replicas: number; readonly stateful?: boolean }
  | { readonly type: 'global' }
  | { readonly type: 'job'; readonly restart: 'never' | 'on-failure'; readonly maxRetries?: number; readonly schedule?: Schedule };

/** A job started on a schedule (decided by the schedules pass). */
export interface Schedule {
  readonly cron: string;
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** Retries of a failed run, when set apart from the restart policy's. */
  readonly backoffLimit?: number;
}

/** Another name a service answers to, besides its own. */
export interface ServiceName extends Traced {
  readonly name: string;
  readonly from: 'container_name' | 'alias' | 'link';
}

export interface Service extends Traced {
  readonly name: string;
  /** `container_name`, network aliases and `links` aliases, by which other services reach it too. */
  readonly names: readonly ServiceName[];
  /** The pod it shares with the other services of its group, by the pod's name (set by the groups pass). */
  readonly pod?: string;
  /** The Ingress in front of its Service, routing to this port (set by the ports pass). */
  readonly ingress?: IngressSpec & { readonly port: number };
  /** Where traffic from outside the cluster may go, on a NodePort or LoadBalancer Service (set by the ports pass). */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly workload: Workload;
  readonly container: Container;
  readonly ports: readonly Port[];
  /** compose `labels` and `deploy.labels`: free-form, so they become annotations. */
  readonly annotations: readonly KeyValue[];
  readonly hostname?: string;
  readonly hostAliases: readonly HostAlias[];
  readonly dns: { readonly nameservers: readonly string[]; readonly searches: readonly string[] };
  readonly stopGracePeriodSeconds?: number;
  /** `platform: linux/arm64` → the node's operating system and architecture. */
  readonly platform?: { readonly os: string; readonly arch?: string };
  readonly settings: ServiceSettings;
  /** The networks the service is attached to (`default` when none is named). */
  readonly networks: readonly string[];
  /** How the Service is exposed (decided by the ports pass). */
  readonly exposure?: Exposure;
  /** Extra annotations on the Service object (e.g. a proxy mapping). */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** Its shards, when `x-tycho.shards` asks for them (set by the shards pass). */
  readonly sharding?: Sharding;
  /** A HorizontalPodAutoscaler owns its replica count (set by the autoscaling pass). */
  readonly autoscaler?: AutoscaleSpec;
}

export interface Container {
  readonly image: string;
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** compose `entrypoint` (Kubernetes `command`). */
  readonly entrypoint?: readonly string[];
  /** compose `command` (Kubernetes `args`). */
  readonly command?: readonly string[];
  readonly workingDir?: string;
  readonly env: readonly EnvVar[];
  readonly mounts: readonly Mount[];
  readonly healthcheck?: Healthcheck;
  /** Liveness/readiness/startup checks (decided by the probes pass from `healthcheck` and settings). */
  readonly probes?: Probes;
  readonly resources: Resources;
  readonly security: Security;
  readonly tty: boolean;
  readonly stdin: boolean;
}

export interface KeyValue extends Traced {
  readonly key: string;
  readonly value: string;
}

export interface EnvVar extends Traced {
  readonly name: string;
  readonly value: string;
  /** Where the value itself came from, when that is another file (.env, env_file). */
  readonly origins?: readonly SourcePos[];
}

export interface HostAlias {
  readonly ip: string;
  readonly hostnames: readonly string[];
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Port extends Traced {
  readonly target: number;
  readonly protocol: Protocol;
  /** The host side of `HOST:CONTAINER`; recorded, not used: instances get their own ports. */
  readonly published?: string;
  /** `expose` ports reach other services only. */
  readonly exposedOnly: boolean;
  /** The node's port it is bound to as well (`kompose.controller.port.expose`; set by the ports pass). */
  readonly hostPort?: number;
  /** The Service's node port for it (`kompose.service.nodeport.port`; set by the ports pass). */
  readonly nodePort?: number;
}

export type Mount = VolumeMount | BindMount | TmpfsMount | FileMount;

export interface VolumeMount extends Traced {
  readonly type: 'volume';
  /** The top-level volume, or undefined for an anonymous volume. */
  readonly volume?: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly subPath?: string;
  /** Scratch space of the pod instead of the volume's claim (`kompose.volume.type: emptyDir`; set by the volumes pass). */
  readonly ephemeral?: boolean;
}

export interface BindMount extends Traced {
  readonly type: 'bind';
  /** The host path, relative to the project directory where it lies inside it. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** Read at compile time for sources inside the project. */
  readonly content?: BindSource;
  readonly placement?: BindPlacement;
}

export interface TmpfsMount extends Traced {
  readonly type: 'tmpfs';
  readonly target: string;
  readonly sizeBytes?: number;
}

/** A compose config or secret mounted as a file. */
export interface FileMount extends Traced {
  readonly type: 'config' | 'secret';
  readonly source: string;
  readonly target: string;
  readonly mode?: number;
}

export interface Healthcheck extends Traced {
  /** Exec form; a shell command is `['/bin/sh', '-c', cmd]`. Absent: the image's own check, timings only. */
  readonly command?: readonly string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly startPeriodSeconds?: number;
}

export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds?: number;
}

export interface Probe {
  readonly action: ProbeAction;
  readonly timing: ProbeTiming;
}

export interface Probes {
  readonly liveness?: Probe;
  readonly readiness?: Probe;
  /** Failures of liveness's check allowed while starting, when `start_period` asks for a grace time. */
  readonly startupFailureThreshold?: number;
}

export interface Resources {
  /** CPU in millicores. */
  readonly cpuLimit?: number;
  readonly cpuRequest?: number;
  readonly memoryLimitBytes?: number;
  readonly memoryRequestBytes?: number;
  /** GPUs as compose asks for them; the resources pass names the extended resource and the taint to tolerate. */
  readonly gpus?: { readonly count: number | 'all'; readonly pos: SourcePos; readonly resource?: string; readonly toleration?: boolean };
}

export interface Security {
  /** Numeric uid/gid when `user:` gives them. */
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly readOnlyRootFilesystem: boolean;
  readonly privileged: boolean;
  /** `user: root` (a name, so no runAsUser): the compose file asks for root. */
  readonly explicitRoot?: boolean;
  /**
   * The Pod Security Standard the pod meets (decided by the security pass): `restricted` runs it
   * non-root with every capability dropped; `baseline` keeps the runtime's default capabilities.
   */
  readonly profile?: 'baseline' | 'restricted';
  readonly fsGroup?: number;
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
}

export interface Volume extends Traced {
  readonly name: string;
  /** `external: true`: the claim exists already under this name and is not emitted. */
  readonly external: boolean;
  readonly externalName?: string;
  readonly labels: readonly KeyValue[];
  /** Its claim's size, class and selector from its own Kompose labels (`kompose.volume.*`). */
  readonly settings?: VolumeSettings;
  readonly claim?: ClaimSpec;
}

export interface VolumeSettings {
  readonly size?: Setting<string>;
  readonly storageClass?: Setting<string>;
  /** The claim binds a volume labelled `io.kompose.service: <selector>` (`kompose.volume.selector`). */
  readonly selector?: Setting<string>;
}

/** A top-level config or secret: its content, already read. */
export interface FileObject extends Traced {
  readonly name: string;
  readonly external: boolean;
  readonly externalName?: string;
  /** File name of the key inside the ConfigMap/Secret. */
  readonly key: string;
  readonly content?: Buffer;
}
