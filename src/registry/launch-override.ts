import type { Quantities } from './resources.js';
import { cpus, quantityBytes as bytes } from '../quantities.js';

/** The variable the identity Secret is read from at compile time; never a container's environment. */
export const IDENTITY_VARIABLE = 'TYCHOC_IDENTITY';
/** The compose names the launch adds: the homes' volume and the identity secret. */
const HOME_VOLUME = 'tychoc-home';
const IDENTITY_SECRET = 'tychoc-identity';

/** What a launch adds to an app's compose file, beside the user's name. */
export interface LaunchShape {
  /** The services of the app's compose file. */
  readonly services: readonly string[];
  /** Services that get the chosen resources: the ones users reach (all when none is named). */
  readonly exposed: readonly string[];
  readonly resources: Quantities;
  /** Per service, the reservations its compose file asks for (millicores, bytes): kept, unless above the chosen limit. */
  readonly reservations?: Readonly<Record<string, { readonly cpu?: number; readonly memory?: number }>>;
  /** The user's uid and gid, when known: every service runs as them, never as root by default. */
  readonly uid?: number;
  readonly gid?: number;
  readonly fsGroup?: number;
  /** Users' homes: the user's directory of the shared claim, and the directory everyone shares. */
  readonly home?: { readonly claim: string; readonly mountPath: string; readonly dir: string; readonly shared?: string };
  /** False: the compose file's healthchecks make no probes (the registry's `probes: false`). */
  readonly probes?: boolean;
  /** The service served under the per-user prefix, what it sees of the path, and the prefix. */
  readonly proxy?: { readonly service: string; readonly port: number; readonly rewrite: string; readonly prefix: string };
}

/**
 * A compose override file for a launch, merged over the app's own as docker compose merges
 * `-f` files: the user's uid/gid, home mounts, the identity as a secret file
 * (/run/secrets/identity), the app's base URL (NB_PREFIX, as notebook images read it), the
 * proxy route, and the chosen resources on the services users reach.
 */
export function launchOverride(shape: LaunchShape): Record<string, unknown> {
  const services: Record<string, Record<string, unknown>> = {};
  for (const name of shape.services) {
    const svc: Record<string, unknown> = { secrets: [{ source: IDENTITY_SECRET, target: 'identity' }] };
    if (shape.uid !== undefined) svc['user'] = shape.gid !== undefined ? `${shape.uid}:${shape.gid}` : String(shape.uid);
    const xTycho: Record<string, unknown> = {};
    if (shape.fsGroup !== undefined) xTycho['fs_group'] = shape.fsGroup;
    if (shape.home) {
      const { mountPath, dir, shared } = shape.home;
      svc['volumes'] = [
        { type: 'volume', source: HOME_VOLUME, target: `${mountPath}/${dir}`, volume: { subpath: dir } },
        ...(shared ? [{ type: 'volume', source: HOME_VOLUME, target: `${mountPath}/${shared}`, volume: { subpath: shared } }] : []),
      ];
    }
    if (shape.proxy) svc['environment'] = { NB_PREFIX: shape.proxy.prefix.replace(/\/$/, '') };
    if (shape.probes === false) svc['healthcheck'] = { disable: true };
    if (shape.proxy?.service === name) {
      xTycho['proxy_rewrite'] = { rewrite: shape.proxy.rewrite };
      svc['expose'] = [String(shape.proxy.port)];
    }
    if (shape.exposed.includes(name)) Object.assign(svc, deploy(shape.resources, shape.reservations?.[name] ?? {}));
    if (Object.keys(xTycho).length > 0) svc['x-tycho'] = xTycho;
    services[name] = svc;
  }
  return {
    services,
    secrets: { [IDENTITY_SECRET]: { environment: IDENTITY_VARIABLE } },
    ...(shape.home ? { volumes: { [HOME_VOLUME]: { external: true, name: shape.home.claim } } } : {}),
  };
}

/**
 * `deploy.resources` for the chosen resources: limits, GPUs as a device reservation, and the
 * compose file's own reservations lowered to the limits where they were above them (a request
 * above its limit is refused by the API server).
 */
function deploy(r: Quantities, reserved: { readonly cpu?: number; readonly memory?: number }): Record<string, unknown> {
  const limits: Record<string, unknown> = {};
  const reservations: Record<string, unknown> = {};
  const cpuLimit = r.cpu !== undefined ? cpus(r.cpu)! : undefined;
  const memoryLimit = r.memory !== undefined ? bytes(r.memory)! : undefined;
  if (cpuLimit !== undefined) limits['cpus'] = String(cpuLimit);
  if (memoryLimit !== undefined) limits['memory'] = String(memoryLimit);
  if (cpuLimit !== undefined && reserved.cpu !== undefined && reserved.cpu / 1000 > cpuLimit) reservations['cpus'] = String(cpuLimit);
  if (memoryLimit !== undefined && reserved.memory !== undefined && reserved.memory > memoryLimit) reservations['memory'] = String(memoryLimit);
  if (r.gpus) reservations['devices'] = [{ capabilities: ['gpu'], count: r.gpus }];
  const has = (o: object) => Object.keys(o).length > 0;
  if (!has(limits) && !has(reservations)) return {};
  return { deploy: { resources: { ...(has(limits) ? { limits } : {}), ...(has(reservations) ? { reservations } : {}) } } };
}
