import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { compile, type CompileResult } from '../compile.js';
import type { Diagnostic } from '../diagnostics.js';
import { dnsLabel } from '../emit/names.js';
import { userLabel } from '../emit/system-labels.js';
import { deploy } from '../executor/deploy.js';
import { LOCK_WAIT_MS, withLease } from '../executor/lock.js';
import { takeDown } from '../executor/delete.js';
import { systemBaseName } from '../executor/applyset.js';
import { findSystems, newSid, type Kube } from '../executor/systems.js';
import { DEFAULT_POLICY, type PolicyOverrides } from '../model/policy.js';
import { asDirectory, renderTemplate } from '../passes/proxy-template.js';
import { HOME_CLAIM, homeVolume, ownHomeVolume } from './home-volume.js';
import { IDENTITY_VARIABLE, launchOverride } from './launch-override.js';
import { chosenResources, resourceProblems, type Quantities } from './resources.js';

/** What a launch needs of a registry app (see registry.ts for each field). */
export interface LaunchableApp {
  readonly id: string;
  readonly compose: { readonly path: string } | { readonly text: string; readonly name: string };
  readonly env: Readonly<Record<string, string>>;
  readonly expose: Readonly<Record<string, number>>;
  readonly resources: { readonly defaults: Quantities; readonly max: Quantities };
  readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number; readonly fsGroup?: number };
  readonly proxy?: { readonly service: string; readonly port: number; readonly rewrite?: string };
  readonly instances?: number;
  readonly probes?: boolean;
  readonly gpu?: { readonly resource: string; readonly toleration: boolean };
}

/** The registry's settings a launch uses. */
export interface LaunchSettings {
  /** Where the homes' claim and the users' launch leases are; each system gets a namespace of its own. */
  readonly namespace: string;
  readonly home?: { readonly claim: string; readonly mountPath: string; readonly shared?: string; readonly initImage?: string };
  readonly proxyPrefix?: string;
}

/** Who launches, and what they ask for beyond the app's defaults. */
export interface LaunchRequest extends Quantities {
  readonly user: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Variables for the compose file's interpolation, over the app's `env`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A launch refused before anything was created: resources beyond the app's maximums, the user's instance limit, a compose file that does not compile, or homes that cannot be mounted. */
export class LaunchRefused extends Error {
  constructor(
    readonly reason: 'resources' | 'instances' | 'compile' | 'home',
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'LaunchRefused';
  }
}

/** The image that makes users' home directories, unless the registry names another. */
const HOME_IMAGE = 'busybox:1.36';

/**
 * Launches an app for a user: checks the request against the app's maximums, compiles the app's
 * compose file with a launch override (the user's identity, home, base URL and resources), and,
 * holding the user's launch lease so that concurrent launches count each other, checks the
 * user's instance limit and deploys. Each system gets a namespace of its own, where its compose
 * names are its services' DNS names whoever else runs the same app; the homes' volume is bound
 * there again (home-volume.ts).
 */
export async function launchApp(kube: Kube, app: LaunchableApp, request: LaunchRequest, settings: LaunchSettings, opts: { tooling: string; policy?: PolicyOverrides }): Promise<{ sid: string; namespace: string; warnings: readonly Diagnostic[] }> {
  const resources = chosenResources(app.resources.defaults, request);
  const problems = resourceProblems(app.id, resources, app.resources);
  if (problems.length > 0) throw new LaunchRefused('resources', problems.join('; '));
  const sid = newSid();
  const home = settings.home ? await homeVolume(kube, { namespace: settings.namespace, claim: settings.home.claim }, sid, systemBaseName({ app: app.id, sid })) : undefined;
  if (typeof home === 'string') throw new LaunchRefused('home', home);
  const compiled = compileLaunch(app, request, settings, sid, resources, opts.policy);
  const username = userLabel(request.user);
  const lease = `tychoc-launch-${createHash('sha256').update(request.user).digest('hex').slice(0, 16)}`;
  const namespace = await withLease(kube.client, settings.namespace, lease, 'tychoc launch', LOCK_WAIT_MS, async () => {
    if (app.instances !== undefined && app.instances > 0) {
      const running = (await findSystems(kube, { app: app.id })).filter((s) => s.username === username);
      if (running.length >= app.instances) {
        throw new LaunchRefused('instances', `${request.user} runs ${running.length} instance${running.length === 1 ? '' : 's'} of ${app.id} (${running.map((s) => s.sid).join(', ')}), as many as the app allows`);
      }
    }
    if (home) await kube.client.request({ method: 'POST', path: '/api/v1/persistentvolumes', body: home.volume });
    const manifests = [...compiled.manifests!, ...(home ? [home.claim] : [])];
    try {
      const { system } = await deploy(kube, { app: app.id, manifests, newSid: sid, namespace: settings.namespace, namespacePerSystem: true, username, user: request.user, tooling: opts.tooling, keepPartial: false, dryRun: false, force: false });
      if (home) await ownHomeVolume(kube, sid, system.namespace);
      return system.namespace;
    } catch (e) {
      // Nothing of a launch that failed stays: the system is rolled back by deploy, or taken down here; the volume goes too (its data stays, Retain).
      await takeDown(kube, { sid, volumes: true, timeoutMs: 60_000 }).catch(() => undefined);
      if (home) await kube.client.request({ method: 'DELETE', path: `/api/v1/persistentvolumes/${HOME_CLAIM}-${sid}` }).catch(() => undefined);
      throw e;
    }
  });
  return { sid, namespace, warnings: compiled.diagnostics };
}

/**
 * The app's compose file compiled with the launch override, in a directory of its own that is
 * removed afterwards; the app's directory stays the project directory, so its relative paths hold.
 */
export function compileLaunch(app: LaunchableApp, request: LaunchRequest, settings: LaunchSettings, sid: string, resources: Quantities, policy?: PolicyOverrides): CompileResult {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-launch-')));
  try {
    const composeFile = 'path' in app.compose ? app.compose.path : join(work, 'compose.yaml');
    if (!('path' in app.compose)) writeFileSync(composeFile, app.compose.text);
    // Text from the registry (inline, or fetched) is compiled from a file here, and reported where it came from.
    const named = (r: CompileResult): CompileResult => ('path' in app.compose ? r : { ...r, diagnostics: r.diagnostics.map((d) => (d.pos?.file === composeFile ? { ...d, pos: { ...d.pos, file: (app.compose as { name: string }).name } } : d)) });
    const env = { ...app.env, ...request.env, [IDENTITY_VARIABLE]: JSON.stringify(identity(request)) };
    const common = { cwd: dirname(composeFile), env, projectName: app.id, projectDirectory: dirname(composeFile), sid, username: request.user };
    // The app's services, to shape the override; a file that does not compile stops here.
    const base = named(compile({ ...common, files: [composeFile], ...(policy ? { policy } : {}) }));
    refuseErrors(app, base);
    const services = base.system!.services.map((s) => s.name);
    const reservations = Object.fromEntries(base.system!.services.map((s) => [s.name, { cpu: s.container.resources.cpuRequest, memory: s.container.resources.memoryRequestBytes }]));
    const uid = request.uid ?? app.securityContext?.runAsUser;
    const gid = request.gid ?? app.securityContext?.runAsGroup;
    const fsGroup = app.securityContext?.fsGroup ?? gid;
    const dir = userLabel(request.user);
    const prefixTemplate = settings.proxyPrefix ?? DEFAULT_POLICY.proxy.prefix;
    const proxy = app.proxy && {
      ...app.proxy,
      prefix: proxyPrefix(prefixTemplate, { app: app.id, username: dir, sid, service: dnsLabel(app.proxy.service, true), namespace: '' }),
    };
    const override = launchOverride({
      services,
      exposed: Object.keys(app.expose).length > 0 ? Object.keys(app.expose) : services,
      resources,
      reservations,
      probes: app.probes !== false,
      ...(uid !== undefined ? { uid } : {}),
      ...(gid !== undefined ? { gid } : {}),
      ...(fsGroup !== undefined ? { fsGroup } : {}),
      ...(settings.home ? { home: { claim: HOME_CLAIM, mountPath: settings.home.mountPath, dir, ...(settings.home.shared ? { shared: settings.home.shared } : {}) } } : {}),
      // A rewrite left out keeps the whole prefix: the app is told its base URL and serves under it.
      ...(proxy ? { proxy: { service: proxy.service, port: proxy.port, rewrite: proxy.rewrite ?? proxy.prefix, prefix: proxy.prefix } } : {}),
    });
    const overrideFile = join(work, 'launch.yaml');
    writeFileSync(overrideFile, stringify(override));
    const home = settings.home && uid !== undefined
      ? { claim: HOME_CLAIM, dirs: [dir], shared: settings.home.shared ? [settings.home.shared] : [], image: settings.home.initImage ?? HOME_IMAGE, uid, gid: gid ?? uid }
      : undefined;
    const result = named(compile({
      ...common,
      files: [composeFile, overrideFile],
      policy: { ...policy, proxy: { ...policy?.proxy, prefix: prefixTemplate }, ...(app.gpu ? { gpus: { resource: app.gpu.resource, toleration: app.gpu.toleration } } : {}) },
      ...(home ? { home } : {}),
    }));
    refuseErrors(app, result);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function refuseErrors(app: LaunchableApp, result: CompileResult): void {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.system) throw new LaunchRefused('compile', `app ${app.id} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'})`, result.diagnostics);
}

/** Who the app runs for, as its identity secret holds it (/run/secrets/identity). */
function identity(request: LaunchRequest): Record<string, unknown> {
  return { username: request.user, ...(request.uid !== undefined ? { uid: request.uid } : {}), ...(request.gid !== undefined ? { gid: request.gid } : {}) };
}

/** The per-user prefix as the proxy-rewrite pass renders it, for the app's base URL. */
function proxyPrefix(template: string, vars: Record<string, string>): string {
  const rendered = renderTemplate(template, vars);
  // A broken template is reported by the compile, with its position.
  if ('error' in rendered) return '/';
  return asDirectory(rendered.text);
}
