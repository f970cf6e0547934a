import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateBinaries, type ClusterBinaries } from './binaries.js';
import { generateCerts, type ClusterCerts } from './certs.js';
import { KubeHttp } from './http.js';
import { fakeNode, kwokArgs, nodeIsReady } from './kwok.js';
import { freePort, removeOnExit, startProcess, waitFor, type ManagedProcess } from './processes.js';
import { defaultStorageClass, FakeProvisioner } from './provisioner.js';

/** A running throwaway cluster: real etcd, kube-apiserver, controllers and scheduler, with kwok-simulated nodes. */
export interface Cluster {
  /** Path to a kubeconfig file (in `dir`) with admin credentials. */
  readonly kubeconfig: string;
  /** API server URL, https://127.0.0.1:PORT. */
  readonly server: string;
  /** Bearer token of a member of system:masters. */
  readonly token: string;
  /** CA certificate that signed the API server's serving certificate. */
  readonly caFile: string;
  /** Temp dir with certificates, data and one log file per process. */
  readonly dir: string;
  /** Kills every process of the cluster and removes `dir` (kept when TYCHOC_KEEP_CLUSTER=1). */
  stop(): Promise<void>;
}

/** What to start besides etcd and kube-apiserver. */
export interface ClusterOptions {
  /** Number of simulated nodes; default 2. */
  nodes?: number;
  /** Start kube-controller-manager, kube-scheduler, kwok and the fake volume provisioner; default true. */
  controllers?: boolean;
}

// Controllers that make workloads behave as in a real cluster. Left out on purpose: cloud,
// node IPAM, CSR signing, bootstrap tokens and HPA (no metrics), which need more than we run.
const CONTROLLERS = [
  'serviceaccount-controller', 'serviceaccount-token-controller', 'namespace-controller',
  'garbage-collector-controller', 'deployment-controller', 'replicaset-controller',
  'replicationcontroller-controller', 'daemonset-controller', 'statefulset-controller',
  'job-controller', 'cronjob-controller', 'ttl-after-finished-controller', 'disruption-controller',
  'endpoints-controller', 'endpointslice-controller', 'endpointslice-mirroring-controller',
  'pod-garbage-collector-controller', 'resourcequota-controller', 'clusterrole-aggregation-controller',
  'root-ca-certificate-publisher-controller', 'service-cidr-controller', 'ephemeral-volume-controller',
  'persistentvolume-binder-controller', 'persistentvolume-expander-controller',
  'persistentvolumeclaim-protection-controller', 'persistentvolume-protection-controller',
  // Removes the not-ready taint that admission puts on new Nodes once kwok reports them Ready.
  // (taint-eviction-controller stays off: a heartbeat missed on a busy CI machine must not evict pods.)
  'node-lifecycle-controller',
];

const START_TIMEOUT_MS = 90_000;
const SERVICE_CIDR = '10.96.0.0/16';

/** Starts a cluster in a fresh temp dir; binaries must have been built by scripts/cluster-binaries.sh. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const nodes = opts.nodes ?? 2;
  const controllers = opts.controllers ?? true;
  const bin = await locateBinaries();
  const keep = process.env.TYCHOC_KEEP_CLUSTER === '1';
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-cluster-'));
  const cancelRemoval = keep ? () => {} : removeOnExit(dir);
  const processes: ManagedProcess[] = [];
  let provisioner: FakeProvisioner | undefined;

  const stop = async (): Promise<void> => {
    await provisioner?.stop();
    // Reverse start order: clients first, etcd last.
    for (const p of [...processes].reverse()) await p.stop();
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
      cancelRemoval();
    }
  };

  try {
    const certs = await generateCerts(dir);
    const token = randomBytes(24).toString('hex');
    const start = (name: string, command: string, args: string[]): ManagedProcess => {
      const p = startProcess(name, command, args, join(dir, `${name}.log`));
      processes.push(p);
      return p;
    };

    const etcdUrl = await startEtcd(bin, dir, start);
    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    const api = new KubeHttp({ server, token, caFile: certs.caCert });
    const apiserver = start('kube-apiserver', bin.kubeApiserver, apiserverArgs(dir, certs, token, etcdUrl, apiPort));
    await waitFor('kube-apiserver /readyz', START_TIMEOUT_MS, async () => {
      const res = await api.request('GET', '/readyz');
      return res.status === 200 ? true : undefined;
    }, apiserver);
    const kubeconfig = writeKubeconfig(dir, server, token, certs.caCert);

    if (controllers) {
      const version: string = (await api.get('/version')).gitVersion;
      const kcm = start('kube-controller-manager', bin.kubeControllerManager, [
        '--kubeconfig', kubeconfig, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0',
        `--controllers=${CONTROLLERS.join(',')}`, '--use-service-account-credentials=false',
        '--service-account-private-key-file', certs.serviceAccountKey, '--root-ca-file', certs.caCert,
        `--service-cluster-ip-range=${SERVICE_CIDR}`, '--cluster-name=tychoc-test',
        // Notice kwok's node status changes (and lift the not-ready taint) sooner than the default 5s.
        '--node-monitor-period=2s',
      ]);
      const scheduler = start('kube-scheduler', bin.kubeScheduler, [
        '--kubeconfig', kubeconfig, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0',
      ]);
      start('kwok', bin.kwok, kwokArgs(kubeconfig, join(dir, 'kwok.yaml')));

      await api.create('/apis/storage.k8s.io/v1/storageclasses', defaultStorageClass());
      provisioner = new FakeProvisioner(api);
      provisioner.start();

      const names = Array.from({ length: nodes }, (_, i) => `kwok-node-${i}`);
      for (const name of names) await api.create('/api/v1/nodes', fakeNode(name, version));
      await waitFor(`${nodes} Ready nodes`, START_TIMEOUT_MS, async () => {
        const list = await api.get('/api/v1/nodes');
        const ready = (list.items ?? []).filter((n: any) => names.includes(n.metadata.name) && nodeIsReady(n));
        return ready.length === names.length ? true : undefined;
      }, kcm);
      // Pods are rejected until the ServiceAccount controller has made namespace "default"'s account.
      await waitFor('the default ServiceAccount', START_TIMEOUT_MS, async () => {
        const res = await api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
        return res.status === 200 ? true : undefined;
      }, kcm);
      if (scheduler.exitStatus() !== undefined) {
        throw new Error(`kube-scheduler exited (${scheduler.exitStatus()}); see ${scheduler.logFile}`);
      }
    }

    return { kubeconfig, server, token, caFile: certs.caCert, dir, stop };
  } catch (err) {
    await stop();
    const where = keep ? ` (logs kept in ${dir})` : '';
    throw new Error(`startCluster failed${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function startEtcd(
  bin: ClusterBinaries,
  dir: string,
  start: (name: string, command: string, args: string[]) => ManagedProcess,
): Promise<string> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const etcd = start('etcd', bin.etcd, [
    '--name=default', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`, `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`, '--initial-cluster-state=new',
    // Throwaway data: skip fsync, which dominates latency on shared disks.
    '--unsafe-no-fsync', '--log-level=warn',
  ]);
  await waitFor('etcd /health', START_TIMEOUT_MS, async () => {
    const res = await fetch(`${clientUrl}/health`);
    return res.ok && ((await res.json()) as { health?: string }).health === 'true' ? true : undefined;
  }, etcd);
  return clientUrl;
}

function apiserverArgs(dir: string, certs: ClusterCerts, token: string, etcdUrl: string, port: number): string[] {
  const tokenFile = join(dir, 'tokens.csv');
  // Static token: token,user,uid,"groups".
  writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const certDir = join(dir, 'apiserver-certs');
  mkdirSync(certDir);
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    // The "kubernetes" Endpoints would point at 127.0.0.1, which the reconciler refuses.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${certDir}`, `--tls-cert-file=${certs.serverCert}`, `--tls-private-key-file=${certs.serverKey}`,
    `--client-ca-file=${certs.caCert}`, `--token-auth-file=${tokenFile}`, '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${certs.serviceAccountPub}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`, '--allow-privileged=true',
  ];
}

function writeKubeconfig(dir: string, server: string, token: string, caFile: string): string {
  const path = join(dir, 'kubeconfig');
  // JSON.stringify yields valid YAML double-quoted scalars.
  const q = JSON.stringify;
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: tychoc-test',
      `  cluster: {server: ${q(server)}, certificate-authority: ${q(caFile)}}`,
      'users:',
      '- name: admin',
      `  user: {token: ${q(token)}}`,
      'contexts:',
      '- name: tychoc-test',
      '  context: {cluster: tychoc-test, user: admin, namespace: default}',
      'current-context: tychoc-test',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return path;
}
