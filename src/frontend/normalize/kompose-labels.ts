import type { Exposure, KeyValue, ServiceSettings, Setting, VolumeType } from '../../model/system.js';
import { Codes } from '../codes.js';
import { AUTOSCALER_LABELS, autoscaleSetting } from './autoscaler.js';
import { CRONJOB_LABELS, cronJobSetting } from './cronjob.js';
import { warn, type NormalizeContext } from './reader.js';
import { INGRESS_LABELS, readIngress } from './kompose-ingress.js';
import { CHECK_LABELS, EPHEMERAL_LABELS, INIT_LABELS, readChecks, readEphemeralStorage, readInitContainer } from './kompose-pod.js';
import {
  booleanSetting, controllerSetting, enumSetting, groupIdSetting, integerSetting, labelNode, nonEmptySetting, objectNameSetting, quantitySetting, subPathSetting,
  type Controller, type ValueReader,
} from './setting-values.js';

/** A service's `kompose.*` labels by key. */
export type KomposeLabels = ReadonlyMap<string, KeyValue>;

/**
 * One service setting read from Kompose labels: the labels it reads, and how. A rule runs when
 * the service has at least one of its labels; bad values are reported and give no setting.
 */
export interface KomposeRule {
  readonly setting: keyof ServiceSettings;
  readonly labels: readonly string[];
  read(labels: KomposeLabels, ctx: NormalizeContext, service: string): Setting<unknown> | undefined;
}

export const EXPOSURES: Readonly<Record<string, Exposure>> = {
  clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer', headless: 'Headless',
};

const VOLUME_TYPES: Readonly<Record<string, VolumeType>> = {
  persistentvolumeclaim: 'persistentVolumeClaim', emptydir: 'emptyDir', hostpath: 'hostPath', configmap: 'configMap',
};

/** A rule of one label, read by a value reader. */
function single(label: string, setting: keyof ServiceSettings, read: ValueReader<unknown>): KomposeRule {
  return { setting, labels: [label], read: (labels, ctx) => read(labelNode(labels.get(label)!), label, ctx) };
}

/** Kompose's `replicationcontroller` is the Deployment's predecessor; a Deployment does what it did. */
const komposeController: ValueReader<Controller> = (node, what, ctx) => {
  if (node?.kind === 'scalar' && String(node.value).toLowerCase() === 'replicationcontroller') {
    warn(ctx, Codes.unrepresentable, `\`${what}: ${String(node.value)}\` becomes a Deployment, which replaced ReplicationControllers`, node);
    return { value: 'deployment', pos: node.pos };
  }
  return controllerSetting(node, what, ctx);
};

/**
 * The Kompose labels tychoc honours (Kompose 1.37's user guide and loader), each feeding one
 * setting; an `x-tycho` key of the same setting wins. Several labels may feed one setting.
 */
export const KOMPOSE_RULES: readonly KomposeRule[] = [
  single('kompose.service.type', 'expose', enumSetting(EXPOSURES)),
  single('kompose.service.nodeport.port', 'nodePort', integerSetting(1, 65535, 'a port')),
  single('kompose.service.external-traffic-policy', 'externalTrafficPolicy', enumSetting({ cluster: 'Cluster', local: 'Local' })),
  single('kompose.controller.port.expose', 'hostPorts', booleanSetting),
  { setting: 'ingress', labels: INGRESS_LABELS, read: readIngress },
  single('kompose.service.group', 'group', nonEmptySetting),
  single('kompose.image-pull-policy', 'pullPolicy', enumSetting({ always: 'Always', ifnotpresent: 'IfNotPresent', never: 'Never' })),
  single('kompose.image-pull-secret', 'pullSecret', objectNameSetting('Secret')),
  single('kompose.serviceaccount-name', 'serviceAccount', objectNameSetting('ServiceAccount')),
  single('kompose.security-context.fsgroup', 'fsGroup', groupIdSetting),
  single('kompose.controller.type', 'controller', komposeController),
  single('kompose.volume.size', 'volumeSize', quantitySetting),
  single('kompose.volume.storage-class-name', 'storageClass', objectNameSetting('StorageClass')),
  single('kompose.volume.type', 'volumeType', enumSetting(VOLUME_TYPES)),
  single('kompose.volume.subpath', 'volumeSubPath', subPathSetting),
  { setting: 'checks', labels: CHECK_LABELS, read: readChecks },
  { setting: 'initContainer', labels: INIT_LABELS, read: readInitContainer },
  { setting: 'ephemeralStorage', labels: EPHEMERAL_LABELS, read: readEphemeralStorage },
  { setting: 'cronJob', labels: CRONJOB_LABELS, read: cronJobSetting },
  { setting: 'autoscale', labels: AUTOSCALER_LABELS, read: autoscaleSetting },
];

const KNOWN = new Set(KOMPOSE_RULES.flatMap((r) => r.labels));

/** A setting read from labels, and the labels it was read from. */
export interface LabelSetting {
  readonly setting: Setting<unknown>;
  readonly labels: readonly string[];
}

/** The settings a service's Kompose labels give; labels no rule reads are reported as dropped. */
export function komposeSettings(name: string, labels: readonly KeyValue[], ctx: NormalizeContext): Map<keyof ServiceSettings, LabelSetting> {
  const found = new Map(labels.filter((l) => l.key.startsWith('kompose.')).map((l) => [l.key, l]));
  for (const label of found.values()) {
    if (!KNOWN.has(label.key)) warn(ctx, Codes.droppedKey, `label \`${label.key}\` of service \`${name}\` is a Kompose option tychoc does not honour; it is dropped`, label.pos);
  }
  const out = new Map<keyof ServiceSettings, LabelSetting>();
  for (const rule of KOMPOSE_RULES) {
    const given = rule.labels.filter((l) => found.has(l));
    if (given.length === 0) continue;
    const setting = rule.read(found, ctx, name);
    if (setting) out.set(rule.setting, { setting, labels: given });
  }
  return out;
}
