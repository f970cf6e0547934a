import type { KubeObject } from './kube-client.js';
import { findWorkloads } from './modify.js';
import { listObjects } from './objects.js';
import type { Kube } from './systems.js';

/** Which logs, and how, as `docker compose logs` takes them. */
export interface LogOptions {
  /** Only these compose services (default: all). */
  readonly services: readonly string[];
  readonly follow: boolean;
  /** Lines from the end of each log. */
  readonly tail?: number;
  readonly timestamps: boolean;
  /** Prefix each line with its replica (`web-1 | `). */
  readonly prefix: boolean;
}

/**
 * Writes the logs of a system's pods, each line prefixed by its service and replica, padded to
 * one width as docker compose does. Without `follow`, pod after pod; with it, lines as they come,
 * until every log ends or `signal` is aborted. Pods that start later are not followed.
 */
export async function systemLogs(kube: Kube, sid: string, namespace: string | undefined, opts: LogOptions, write: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const services = opts.services.length > 0 ? opts.services : [undefined];
  const workloads = (await Promise.all(services.map((s) => findWorkloads(kube, sid, s, namespace)))).flat();
  const podType = await kube.mapper.forKind('v1', 'Pod');
  const sources: { name: string; pod: KubeObject; container: string }[] = [];
  for (const w of workloads.sort((a, b) => a.service.localeCompare(b.service))) {
    const labels = (w.obj['spec']?.selector?.matchLabels ?? {}) as Record<string, string>;
    const pods = (await listObjects(kube.client, podType, Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','), w.obj.metadata.namespace))
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    pods.forEach((pod, i) => {
      for (const c of (pod['spec']?.containers ?? []) as { name: string }[]) sources.push({ name: `${w.service}-${i + 1}`, pod, container: c.name });
    });
  }
  const width = Math.max(0, ...sources.map((s) => s.name.length));
  const read = async (s: (typeof sources)[number]) => {
    const prefix = opts.prefix ? `${s.name.padEnd(width)}  | ` : '';
    let partial = '';
    await kube.client.stream(
      {
        method: 'GET',
        path: `/api/v1/namespaces/${s.pod.metadata.namespace}/pods/${s.pod.metadata.name}/log`,
        query: {
          container: s.container,
          ...(opts.follow ? { follow: 'true' } : {}),
          ...(opts.tail !== undefined ? { tailLines: String(opts.tail) } : {}),
          ...(opts.timestamps ? { timestamps: 'true' } : {}),
        },
      },
      (text) => {
        // Whole lines only, so that lines of pods followed side by side do not mix.
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        if (lines.length > 0) write(lines.map((l) => `${prefix}${l}\n`).join(''));
      },
      signal,
    );
    if (partial) write(`${prefix}${partial}\n`);
  };
  if (opts.follow) await Promise.all(sources.map(read));
  else for (const s of sources) await read(s);
}
