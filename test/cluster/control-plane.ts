import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterBinaries } from './binaries.js';
import { generateCerts, type ClusterCerts } from './certs.js';
import { KubeHttp } from './http.js';
import { freePort, waitFor, type ManagedProcess } from './processes.js';

/** Starts a named process of the cluster, logging into the cluster's dir. */
export type StartProcess = (name: string, command: string, args: readonly string[]) => ManagedProcess;

/** etcd, kube-apiserver and, when asked, the controller-manager and scheduler. */
export interface ControlPlane {
  readonly server: string;
  readonly token: string;
  readonly certs: ClusterCerts;
  readonly kubeconfig: string;
  readonly api: KubeHttp;
  /** The apiserver's gitVersion, e.g. v1.33.13. */
  readonly version: string;
  /** The controller-manager, when started: the process to watch while waiting for controllers. */
  readonly controllerManager?: ManagedProcess;
  readonly scheduler?: ManagedProcess;
}

export interface ControlPlaneOptions {
  /** Address the apiserver serves on and advertises to pods and kubelets; default 127.0.0.1. */
  address?: string;
  controllers: boolean;
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
  // Removes the not-ready taint that admission puts on new Nodes once they report Ready.
  // (taint-eviction-controller stays off: a heartbeat missed on a busy CI machine must not evict pods.)
  'node-lifecycle-controller',
];

export const START_TIMEOUT_MS = 90_000;
export const SERVICE_CIDR = '10.96.0.0/16';

/** Starts the control plane with fresh certificates and data in `dir`. */
export async function startControlPlane(dir: string, bin: ClusterBinaries, start: StartProcess, opts: ControlPlaneOptions): Promise<ControlPlane> {
  const address = opts.address ?? '127.0.0.1';
  const certs = await generateCerts(dir, address === '127.0.0.1' ? [] : [address]);
  const token = randomBytes(24).toString('hex');
  const etcdUrl = await startEtcd(bin, dir, start);
  const port = await freePort();
  const server = `https://${address}:${port}`;
  const api = new KubeHttp({ server, token, caFile: certs.caCert });
  const apiserver = start('kube-apiserver', bin.kubeApiserver, apiserverArgs(dir, certs, token, etcdUrl, address, port));
  await waitFor('kube-apiserver /readyz', START_TIMEOUT_MS, async () => {
    const res = await api.request('GET', '/readyz');
    return res.status === 200 ? true : undefined;
  }, apiserver);
  const kubeconfig = writeKubeconfig(dir, server, token, certs.caCert);
  const version: string = (await api.get('/version')).gitVersion;
  if (!opts.controllers) return { server, token, certs, kubeconfig, api, version };

  const controllerManager = start('kube-controller-manager', bin.kubeControllerManager, [
    '--kubeconfig', kubeconfig, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0',
    `--controllers=${CONTROLLERS.join(',')}`, '--use-service-account-credentials=false',
    '--service-account-private-key-file', certs.serviceAccountKey, '--root-ca-file', certs.caCert,
    `--service-cluster-ip-range=${SERVICE_CIDR}`, '--cluster-name=tychoc-test',
    // Notice node status changes (and lift the not-ready taint) sooner than the default 5s.
    '--node-monitor-period=2s',
  ]);
  const scheduler = start('kube-scheduler', bin.kubeScheduler, [
    '--kubeconfig', kubeconfig, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0',
  ]);
  return { server, token, certs, kubeconfig, api, version, controllerManager, scheduler };
}

/** Waits for what must exist before pods can be created: namespace default's ServiceAccount; checks the scheduler lives. */
export async function waitForWorkloads(plane: ControlPlane): Promise<void> {
  await waitFor('the default ServiceAccount', START_TIMEOUT_MS, async () => {
    const res = await plane.api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
    return res.status === 200 ? true : undefined;
  }, plane.controllerManager);
  const exited = plane.scheduler?.exitStatus();
  if (exited !== undefined) throw new Error(`kube-scheduler exited (${exited}); see ${plane.scheduler!.logFile}`);
}

async function startEtcd(bin: ClusterBinaries, dir: string, start: StartProcess): Promise<string> {
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

function apiserverArgs(dir: string, certs: ClusterCerts, token: string, etcdUrl: string, address: string, port: number): string[] {
  const tokenFile = join(dir, 'tokens.csv');
  // Static token: token,user,uid,"groups".
  writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const certDir = join(dir, 'apiserver-certs');
  mkdirSync(certDir);
  return [
    `--etcd-servers=${etcdUrl}`,
    `--bind-address=${address}`, `--advertise-address=${address}`, `--secure-port=${port}`,
    // The "kubernetes" Endpoints cannot point at a loopback address: the reconciler refuses it.
    ...(address.startsWith('127.') ? ['--endpoint-reconciler-type=none'] : []),
    `--cert-dir=${certDir}`, `--tls-cert-file=${certs.serverCert}`, `--tls-private-key-file=${certs.serverKey}`,
    `--client-ca-file=${certs.caCert}`, `--token-auth-file=${tokenFile}`, '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${certs.serviceAccountPub}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`, '--allow-privileged=true',
    // Logs and exec go from the apiserver to the kubelet, at the node's InternalIP.
    `--kubelet-client-certificate=${certs.kubeletClientCert}`, `--kubelet-client-key=${certs.kubeletClientKey}`,
    '--kubelet-preferred-address-types=InternalIP',
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
