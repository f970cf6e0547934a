import type { KubeHttp } from '../test/cluster/http.js';

// Every kind tychoc creates or `down` deletes, the pods and ReplicaSets its workloads make, and the
// Lease it locks a namespace with. Endpoints and EndpointSlices are left out: the control plane
// makes and removes them for Services on its own time.
const RESOURCES = [
  '/api/v1/pods',
  '/api/v1/services',
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/persistentvolumeclaims',
  '/api/v1/serviceaccounts',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/replicasets',
  '/apis/apps/v1/statefulsets',
  '/apis/apps/v1/daemonsets',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/cronjobs',
  '/apis/networking.k8s.io/v1/networkpolicies',
  '/apis/networking.k8s.io/v1/ingresses',
  '/apis/policy/v1/poddisruptionbudgets',
  '/apis/coordination.k8s.io/v1/leases',
] as const;

// What Kubernetes itself puts into every namespace.
const BUILT_IN = new Set(['configmaps/kube-root-ca.crt', 'serviceaccounts/default']);

interface Listed {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/**
 * Objects left once every system was deleted: anything carrying tychoc's system labels anywhere
 * (namespaces included), and anything but the built-ins in `namespaces`, where only systems were
 * started. Each as `resource namespace/name`.
 */
export async function leakedObjects(api: KubeHttp, namespaces: ReadonlySet<string>): Promise<string[]> {
  const leaked: string[] = [];
  for (const path of [...RESOURCES, '/api/v1/namespaces']) {
    const resource = path.slice(path.lastIndexOf('/') + 1);
    const { items } = (await api.get(path)) as { items: Listed[] };
    for (const { metadata: m } of items) {
      const ours = m.labels?.['executor'] === 'tycho';
      const inBench = resource !== 'namespaces' && namespaces.has(m.namespace ?? '') && !BUILT_IN.has(`${resource}/${m.name}`);
      if (ours || inBench) leaked.push(`${resource} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`);
    }
  }
  return leaked;
}
