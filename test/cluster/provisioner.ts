import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeHttp } from './http.js';

/** Provisioner name of the harness's default StorageClass; the fake provisioner serves only claims for it. */
export const FAKE_PROVISIONER = 'tychoc.test/fake-provisioner';

/** Name of the default StorageClass the harness creates. */
export const DEFAULT_STORAGE_CLASS = 'standard';

/** The default StorageClass, bound to the fake provisioner. */
export function defaultStorageClass(): object {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: DEFAULT_STORAGE_CLASS,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: FAKE_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  };
}

// kwok v0.7 has no volume stages (v0.8 does, but is built against the 1.36 libraries). So the
// harness plays the external provisioner itself: for each claim the real PV controller hands to
// FAKE_PROVISIONER it creates a PersistentVolume pre-bound to the claim (the controller then binds
// both), and it deletes Released volumes. It polls instead of watching: simpler, fast enough.

/** A stand-in for an external volume provisioner that makes claims of the default StorageClass become Bound. */
export class FakeProvisioner {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  /** Last error, kept for diagnostics; the loop retries on its own. */
  lastError: string | undefined;

  /**
   * `root`: the directory under which each volume's directory lies. With `node` (a real node on
   * this machine) volumes are `local` volumes pinned to it, made and removed here, so that the
   * kubelet mounts them as a CSI driver's: sub-paths work and fsGroup owns them.
   */
  constructor(private readonly api: KubeHttp, private readonly root: string, private readonly node?: string, private readonly intervalMs = 500) {}

  /** Starts polling. */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      await this.provisionPendingClaims();
      await this.deleteReleasedVolumes();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  /** Provisions every pending claim; one that fails does not hold up the others. */
  private async provisionPendingClaims(): Promise<void> {
    const claims = await this.api.get('/api/v1/persistentvolumeclaims');
    const failures: string[] = [];
    for (const pvc of claims.items ?? []) {
      const annotations = pvc.metadata.annotations ?? {};
      // The PV controller sets this annotation once it decides an external provisioner must act.
      const provisioner = annotations['volume.kubernetes.io/storage-provisioner'];
      if (provisioner !== FAKE_PROVISIONER || pvc.spec.volumeName || pvc.metadata.deletionTimestamp) continue;
      if (pvc.status?.phase !== 'Pending') continue;
      const path = join(this.root, `pvc-${pvc.metadata.uid}`);
      if (this.node) mkdirSync(path, { recursive: true });
      const res = await this.api.request('POST', '/api/v1/persistentvolumes', volumeFor(pvc, path, this.node));
      if (res.status !== 201 && res.status !== 409) failures.push(`creating PV for ${pvc.metadata.namespace}/${pvc.metadata.name}: HTTP ${res.status} ${res.text}`);
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  private async deleteReleasedVolumes(): Promise<void> {
    const volumes = await this.api.get('/api/v1/persistentvolumes');
    for (const pv of volumes.items ?? []) {
      const ours = pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] === FAKE_PROVISIONER;
      if (ours && pv.status?.phase === 'Released' && pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
        await this.api.delete(`/api/v1/persistentvolumes/${pv.metadata.name}`, true);
        if (pv.spec.local) rmSync(pv.spec.local.path, { recursive: true, force: true });
      }
    }
  }
}

// Like a CSI provisioner's volume, minus the CSI source: for kwok's nodes a hostPath that is never
// mounted, with no node affinity so that any node can use it; for a real node a local volume on it.
function volumeFor(pvc: any, path: string, node: string | undefined): object {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: `pvc-${pvc.metadata.uid}`,
      annotations: { 'pv.kubernetes.io/provisioned-by': FAKE_PROVISIONER },
    },
    spec: {
      capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      storageClassName: pvc.spec.storageClassName,
      persistentVolumeReclaimPolicy: 'Delete',
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
      },
      ...(node
        ? {
            local: { path },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
          }
        : { hostPath: { path } }),
    },
  };
}
