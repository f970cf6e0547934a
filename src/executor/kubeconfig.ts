import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { staticCredentials, type ClusterEntry, type Located, type UserEntry } from './credentials.js';
import { ClusterError } from './errors.js';
import { KubeClient, type Authorize } from './kube-client.js';
import { RestMapper } from './rest-mapping.js';
import type { Kube } from './systems.js';

/** Where the cluster's credentials come from. */
export interface ConnectOptions {
  /** A kubeconfig file (--kubeconfig); otherwise KUBECONFIG, ~/.kube/config, then in-cluster. */
  readonly kubeconfig?: string;
  /** A context of the kubeconfig (--context); otherwise its current context. */
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** How long one request may take before the server counts as unreachable. */
  readonly requestTimeoutMs: number;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const IMPERSONATION = ['as', 'as-uid', 'as-groups', 'as-user-extra'] as const;

/** Kubeconfig files merged the way kubectl merges them: for every name and setting, the first file that has it wins. */
interface Kubeconfig {
  readonly files: readonly string[];
  readonly currentContext?: string;
  readonly clusters: ReadonlyMap<string, Located<ClusterEntry>>;
  readonly users: ReadonlyMap<string, Located<UserEntry>>;
  readonly contexts: ReadonlyMap<string, { cluster?: string; user?: string; namespace?: string }>;
}

/** Reads the kubeconfig (or the pod's service account) the way kubectl does; `defaultNamespace` is the context's, or `default`. */
export async function connect(opts: ConnectOptions): Promise<Kube> {
  const files = kubeconfigFiles(opts);
  if (files.length === 0) {
    if (opts.env.KUBERNETES_SERVICE_HOST) return inCluster(opts.env, opts.requestTimeoutMs);
    throw new ClusterError('config', 'no kubeconfig: set KUBECONFIG, pass --kubeconfig, create ~/.kube/config, or run in a pod');
  }
  const config = loadKubeconfig(files);
  const contextName = opts.context ?? config.currentContext;
  if (contextName === undefined) throw new ClusterError('config', 'the kubeconfig has no current context (pass --context)');
  const context = config.contexts.get(contextName);
  if (!context) throw new ClusterError('config', `the kubeconfig has no context \`${contextName}\``);
  const cluster = context.cluster === undefined ? undefined : config.clusters.get(context.cluster);
  if (!cluster?.value.server) throw new ClusterError('config', `context \`${contextName}\` names no cluster with a server the kubeconfig defines`);
  const user = context.user === undefined ? undefined : config.users.get(context.user);
  // Acting as the kubeconfig's own user instead of the one it names would be worse than failing.
  const impersonation = IMPERSONATION.find((k) => user?.value[k] !== undefined);
  if (impersonation) throw new ClusterError('config', `user \`${context.user}\` impersonates (\`${impersonation}\`), which tychoc does not support`);
  const namespace = context.namespace || 'default';
  const { value: c } = cluster;
  // Plugins and proxies are the client library's job; it costs half a second to load, so only then.
  const library = user?.value.exec !== undefined || user?.value['auth-provider'] !== undefined || c['proxy-url'] !== undefined;
  const authorize = library ? await libraryCredentials(config.files, contextName) : staticCredentials(cluster, user);
  return kube(c.server!, authorize, namespace, opts.requestTimeoutMs);
}

function kube(server: string, authorize: Authorize, defaultNamespace: string, requestTimeoutMs: number): Kube {
  const client = new KubeClient(server, authorize, requestTimeoutMs);
  return { client, mapper: new RestMapper(client), defaultNamespace };
}

function kubeconfigFiles(opts: ConnectOptions): string[] {
  if (opts.kubeconfig) return [resolve(opts.cwd, opts.kubeconfig)];
  const list = opts.env.KUBECONFIG?.split(delimiter).filter((f) => f !== '');
  if (list?.length) return list.map((f) => resolve(opts.cwd, f));
  const home = opts.env.HOME ?? opts.env.USERPROFILE;
  const file = home ? join(home, '.kube', 'config') : undefined;
  return file && existsSync(file) ? [file] : [];
}

function loadKubeconfig(files: readonly string[]): Kubeconfig {
  let currentContext: string | undefined;
  const clusters = new Map<string, Located<ClusterEntry>>();
  const users = new Map<string, Located<UserEntry>>();
  const contexts = new Map<string, { cluster?: string; user?: string; namespace?: string }>();
  for (const file of files) {
    if (!existsSync(file)) throw new ClusterError('config', `kubeconfig ${file} does not exist`);
    let doc: Record<string, unknown>;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a mapping');
    } catch (e) {
      throw new ClusterError('config', `cannot read kubeconfig ${file}: ${(e as Error).message}`, { cause: e });
    }
    const dir = dirname(file);
    if (typeof doc['current-context'] === 'string' && doc['current-context'] !== '') currentContext ??= doc['current-context'];
    for (const [name, value] of named(file, doc, 'clusters', 'cluster')) if (!clusters.has(name)) clusters.set(name, { value: value as ClusterEntry, dir });
    for (const [name, value] of named(file, doc, 'users', 'user')) if (!users.has(name)) users.set(name, { value: value as UserEntry, dir });
    for (const [name, value] of named(file, doc, 'contexts', 'context')) if (!contexts.has(name)) contexts.set(name, value);
  }
  return { files, ...(currentContext !== undefined ? { currentContext } : {}), clusters, users, contexts };
}

/** The `- name: N\n  <field>: {...}` entries of one list of a kubeconfig. */
function named(file: string, doc: Record<string, unknown>, list: string, field: string): [string, Record<string, any>][] {
  const items = doc[list] ?? [];
  const bad = () => new ClusterError('config', `cannot read kubeconfig ${file}: \`${list}\` must be a list of {name, ${field}} entries`);
  if (!Array.isArray(items)) throw bad();
  return items.map((item) => {
    if (typeof item?.name !== 'string' || (item[field] !== undefined && (typeof item[field] !== 'object' || item[field] === null))) throw bad();
    return [item.name, item[field] ?? {}];
  });
}

/** Credentials through @kubernetes/client-node, for exec and auth-provider plugins and proxies. */
async function libraryCredentials(files: readonly string[], context: string): Promise<Authorize> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  for (const [i, file] of files.entries()) {
    const one = i === 0 ? kc : new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (e) {
      throw new ClusterError('config', `cannot read kubeconfig ${file}: ${(e as Error).message}`, { cause: e });
    }
    if (one !== kc) kc.mergeConfig(one, true);
  }
  kc.setCurrentContext(context);
  const proxied = kc.getCurrentCluster()?.proxyUrl !== undefined;
  return async (options) => {
    await kc.applyToHTTPSOptions(options);
    // Without a proxy the client's keep-alive agent serves better than a fresh agent per request.
    if (!proxied) delete options.agent;
  };
}

/** The pod's service account, as kubectl uses it in a pod. */
function inCluster(env: Readonly<Record<string, string | undefined>>, requestTimeoutMs: number): Kube {
  const token = join(SERVICE_ACCOUNT_DIR, 'token');
  // KUBERNETES_SERVICE_HOST alone does not mean we run in a pod; a missing token would only show up as a 401.
  if (!existsSync(token)) throw new ClusterError('config', `KUBERNETES_SERVICE_HOST is set but ${token} does not exist`);
  const host = env.KUBERNETES_SERVICE_HOST!;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  const namespaceFile = join(SERVICE_ACCOUNT_DIR, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : '';
  const cluster = { value: { server, 'certificate-authority': 'ca.crt' }, dir: SERVICE_ACCOUNT_DIR };
  return kube(server, staticCredentials(cluster, { value: { tokenFile: 'token' }, dir: SERVICE_ACCOUNT_DIR }), namespace || 'default', requestTimeoutMs);
}
