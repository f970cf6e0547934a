import type { SourcePos } from '../diagnostics.js';
import type { PMap } from '../frontend/tree.js';
import type { Fetched } from './fetch-cache.js';
import type { InlineCompose } from './inline.js';
import type { Location } from './sources.js';

/** Kubernetes quantities of one kind of limit: CPU (`2`, `500m`), memory (`8Gi`) and whole GPUs. */
export interface Quantities {
  readonly cpu?: string;
  readonly memory?: string;
  readonly gpus?: number;
}

/** An app of a context, every layer of the registry merged in (see README, "App registry"). */
export interface ResolvedApp {
  /** Its key under `apps:`, a DNS label. */
  readonly id: string;
  /** The context it was resolved for (not necessarily the one that defined it). */
  readonly context: string;
  /** The name users see; the id when the registry gives none. */
  readonly name: string;
  readonly description?: string;
  readonly docs?: string;
  readonly icon?: string;
  /**
   * The compose file: a local path to compile (its `.env` and relative files beside it), or its
   * text with a display name for diagnostics. Fetched text is named by its URL; an inline compose
   * file is named by apps.yaml, and its text keeps the lines and columns it has there.
   */
  readonly compose: { readonly path: string } | { readonly text: string; readonly name: string };
  /** Default `.env` entries; they override a `.env` beside the compose file. */
  readonly env: Readonly<Record<string, string>>;
  /** Compose service → the port users reach. */
  readonly expose: Readonly<Record<string, number>>;
  /** What a launch gets unless it asks otherwise, and the most it may ask for. */
  readonly resources: { readonly defaults: Quantities; readonly max: Quantities };
  /** How GPUs are requested when the app asks for any: the extended resource, and whether pods tolerate its taint. */
  readonly gpu: { readonly resource: string; readonly toleration: boolean };
  readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number; readonly fsGroup?: number };
  /** Whether the compose file's healthchecks become probes. */
  readonly probes: boolean;
  /** Served under the per-user proxy prefix: this service and port; `rewrite` is the path the app sees (absent: the prefix itself). */
  readonly proxy?: { readonly service: string; readonly port: number; readonly rewrite?: string };
  /** How many a user may run at once; absent: no limit. */
  readonly instances?: number;
  /** Reaping: stopped this long after the start, or after this long idle. */
  readonly maxAgeMs?: number;
  readonly idleMs?: number;
  /** Where the app is defined: its key in the last context that wrote it. */
  readonly pos: SourcePos;
}

/** Launch settings shared by every context. */
export interface RegistrySettings {
  /** The namespace apps are launched into; absent: the launcher's own. */
  readonly namespace?: string;
  /** Users' homes: sub-path `<user>` of `claim` mounted at `<mountPath>/<user>`, and `shared` (a sub-path) at `<mountPath>/shared`. */
  readonly home?: { readonly claim: string; readonly mountPath: string; readonly shared?: string };
  /** Handlebars template of the path apps are served under (variables app, username, sid, service, namespace). */
  readonly proxyPrefix?: string;
}

/** A loaded, validated registry. */
export interface Registry {
  /** The path or URL apps.yaml was read from. */
  readonly file: string;
  readonly settings: RegistrySettings;
  /** Context names, in the order of the file. */
  readonly contexts: readonly string[];
  /** Each context's display name (its `name`, else its key). */
  readonly contextNames: Readonly<Record<string, string>>;
  /** The context resolveApps uses when given none: TYCHOC_CONTEXT, else the first in the file. */
  readonly defaultContext: string;
  /** What resolveApps reads; not for callers. */
  readonly data: RegistryData;
}

/** The parts of a loaded registry that apps are resolved from. */
export interface RegistryData {
  /** The validated document, `!reset` and `!override` tags kept for merging. */
  readonly root: PMap;
  /** Where apps.yaml is; relative compose paths start from its directory. */
  readonly base: Location;
  /** Each repository's directory. */
  readonly repositories: ReadonlyMap<string, Location>;
  /** Compose files fetched over HTTP, by URL. */
  readonly fetched: ReadonlyMap<string, Fetched>;
  /** Inline compose files as files of their own, by the `line:col` of their mapping in apps.yaml. */
  readonly inline: ReadonlyMap<string, InlineCompose>;
}
