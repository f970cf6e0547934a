import type { Exposure } from './system.js';

/** What a platform team allows and prefers; read from `tycho.policy.yaml` and CLI flags. */
export interface Policy {
  readonly ports: { readonly defaultType: Exposure };
  readonly volumes: {
    readonly size: string;
    readonly accessMode: 'ReadWriteOnce' | 'ReadWriteMany';
    readonly storageClass?: string;
    /** A named volume mounted by several services: warn, or ask for ReadWriteMany. */
    readonly shared: 'warn' | 'rwx';
    /**
     * Bind mounts: the project's files shipped in ConfigMaps where they fit (else as `claim`), a
     * sub-path of one project claim, the node's path, an empty directory, or an error.
     */
    readonly binds: 'files' | 'claim' | 'hostPath' | 'emptyDir' | 'reject';
    /** Bind sources outside the project (host paths, `~`, `..`): a sub-path of the bind claim, or an error. */
    readonly outsideProject: 'claim' | 'reject';
    readonly bindClaimSize: string;
    /** Host paths binds may use, relative to the project directory or absolute. */
    readonly allowedHostRoots: readonly string[];
  };
  readonly security: {
    readonly allowPrivileged: boolean;
    readonly allowHostNamespaces: boolean;
    /** Whether pods may run as a ServiceAccount the compose file names, with its token: what it may do, they may. */
    readonly allowServiceAccounts: boolean;
    /** Capabilities beyond the restricted profile's NET_BIND_SERVICE that cap_add may add. */
    readonly allowedCapabilities: readonly string[];
    /**
     * `baseline`: every pod meets baseline, and restricted where `user:` is a numeric non-root uid;
     * `restricted`: every pod is made restricted (images that start as root then do not start).
     */
    readonly profile: 'baseline' | 'restricted';
    readonly fsGroup?: number;
  };
  readonly networks: { readonly policies: boolean };
  /** How GPUs are asked for: the extended resource, and whether pods tolerate the taint of that name GPU nodes carry. */
  readonly gpus: { readonly resource: string; readonly toleration: boolean };
  readonly proxy: {
    /** Handlebars template of the public path prefix. */
    readonly prefix: string;
    readonly output: 'ambassador' | 'ingress' | 'httproute';
    /** The Gateway (`name` or `namespace/name`) HTTP routes attach to. */
    readonly gateway?: string;
  };
}

/** The defaults: baseline Pod Security Standard (restricted for known non-root users), nothing exposed beyond the cluster. */
export const DEFAULT_POLICY: Policy = {
  ports: { defaultType: 'ClusterIP' },
  volumes: {
    size: '1Gi',
    accessMode: 'ReadWriteOnce',
    shared: 'warn',
    binds: 'files',
    outsideProject: 'claim',
    bindClaimSize: '1Gi',
    allowedHostRoots: ['.'],
  },
  security: { allowPrivileged: false, allowHostNamespaces: false, allowServiceAccounts: true, allowedCapabilities: [], profile: 'baseline' },
  networks: { policies: false },
  gpus: { resource: 'nvidia.com/gpu', toleration: true },
  proxy: { prefix: '/private/{{app}}/{{username}}/{{sid}}/', output: 'ambassador' },
};

/** Policy sections, each partly given. */
export type PolicyOverrides = { readonly [S in keyof Policy]?: Partial<Policy[S]> };

/** `overrides` over `base`, section by section, key by key. */
export function mergePolicy(base: Policy, overrides: PolicyOverrides | undefined): Policy {
  if (!overrides) return base;
  const out: Record<string, unknown> = {};
  for (const [section, values] of Object.entries(base)) out[section] = { ...values, ...overrides[section as keyof Policy] };
  return out as unknown as Policy;
}
