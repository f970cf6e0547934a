import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { ClusterError } from './errors.js';
import { KubeClient } from './kube-client.js';
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
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Reads the kubeconfig (or the pod's service account) the way kubectl does; `defaultNamespace` is the context's, or `default`. */
export async function connect(opts: ConnectOptions): Promise<Kube> {
  // Loaded here, not at the top: it takes most of a second, and `compile` never needs it.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const files = kubeconfigFiles(opts);
  if (files.length > 0) {
    for (const [i, file] of files.entries()) {
      if (!existsSync(file)) throw new ClusterError('config', `kubeconfig ${file} does not exist`);
      const one = i === 0 ? kc : new KubeConfig();
      try {
        one.loadFromFile(file);
      } catch (e) {
        throw new ClusterError('config', `cannot read kubeconfig ${file}: ${(e as Error).message}`, { cause: e });
      }
      if (one !== kc) kc.mergeConfig(one, true);
    }
  } else if (opts.env.KUBERNETES_SERVICE_HOST) {
    // loadFromCluster() does not check that it runs in a pod; a missing token would only show up as a 401.
    if (!existsSync(join(SERVICE_ACCOUNT_DIR, 'token'))) {
      throw new ClusterError('config', `KUBERNETES_SERVICE_HOST is set but ${SERVICE_ACCOUNT_DIR}/token does not exist`);
    }
    kc.loadFromCluster();
  } else {
    throw new ClusterError('config', 'no kubeconfig: set KUBECONFIG, pass --kubeconfig, create ~/.kube/config, or run in a pod');
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) throw new ClusterError('config', `the kubeconfig has no context \`${opts.context}\``);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterError('config', 'the kubeconfig has no current context (pass --context)');
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  const client = new KubeClient(cluster.server, async (options) => {
    await kc.applyToHTTPSOptions(options);
    // Without a proxy the client's keep-alive agent serves better than a fresh agent per request.
    if (!cluster.proxyUrl) delete options.agent;
  });
  return { client, mapper: new RestMapper(client), defaultNamespace: namespace };
}

function kubeconfigFiles(opts: ConnectOptions): string[] {
  if (opts.kubeconfig) return [resolve(opts.cwd, opts.kubeconfig)];
  const list = opts.env.KUBECONFIG?.split(delimiter).filter((f) => f !== '');
  if (list?.length) return list.map((f) => resolve(opts.cwd, f));
  const home = opts.env.HOME ?? opts.env.USERPROFILE;
  const file = home ? join(home, '.kube', 'config') : undefined;
  return file && existsSync(file) ? [file] : [];
}
