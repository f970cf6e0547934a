import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster, type ClusterOptions } from '../cluster/harness.js';
import { KubeHttp } from '../cluster/http.js';
import { useClusterForFile } from '../cluster/use-for-file.js';
import { waitFor } from '../cluster/processes.js';
import { runCli, type CliRun } from '../run-cli.js';

/** A cluster for one test file, and `tychoc` run in-process against it. */
export interface ClusterFixture {
  readonly cluster: Cluster;
  readonly api: KubeHttp;
  /** Runs tychoc with KUBECONFIG pointing at the cluster (plus `env`), in `cwd`. */
  tychoc(args: readonly string[], cwd?: string, env?: Record<string, string>): Promise<CliRun>;
  /** `tychoc ... -o json`, parsed; fails the test with stderr if the command failed. */
  json(args: readonly string[], cwd?: string): Promise<any>;
}

/** Starts one cluster before the file's tests and stops it after them. */
export function useCluster(options: ClusterOptions = { nodes: 2 }): ClusterFixture {
  const cluster = useClusterForFile('startCluster', () => startCluster(options), 180_000);
  let api: KubeHttp | undefined;
  const fixture: ClusterFixture = {
    get cluster() {
      return cluster();
    },
    get api() {
      return (api ??= new KubeHttp(cluster()));
    },
    tychoc: (args, cwd = tmpdir(), env = {}) => runCli(args, cwd, { KUBECONFIG: cluster().kubeconfig, ...env }),
    async json(args, cwd) {
      const run = await fixture.tychoc([...args, '-o', 'json'], cwd);
      if (run.code !== 0) throw new Error(`tychoc ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
      return JSON.parse(run.stdout);
    },
  };
  return fixture;
}

/** Writes a compose project into a fresh directory and returns the directory. */
export function composeProject(compose: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-exec-'));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A small project: a web server with a port, a database with a volume, and a one-off job. */
export const SHOP = `
name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  db:
    image: postgres:16
    expose: ["5432"]
    volumes: [data:/var/lib/postgresql/data]
  migrate:
    image: busybox:1.36
    command: ["true"]
    restart: "no"
volumes:
  data:
`;

/** Creates a namespace through the API. */
export async function createNamespace(api: KubeHttp, name: string): Promise<void> {
  await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Lists objects through the API; `path` is a collection path with an optional query. */
export async function list(api: KubeHttp, path: string): Promise<any[]> {
  return (await api.get(path)).items;
}

/** Waits until the pods of a system (by id) that have not finished are all Running and Ready, `count` of them. */
export async function runningPods(api: KubeHttp, namespace: string, sid: string, count: number): Promise<any[]> {
  return waitFor(`${count} Ready pods of ${sid}`, 60_000, async () => {
    const all = await list(api, `/api/v1/namespaces/${namespace}/pods?labelSelector=tycho-guid%3D${sid}`);
    const pods = all.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase));
    const ready = pods.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === count && pods.length === count ? ready : undefined;
  });
}
