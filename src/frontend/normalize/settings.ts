import type { Exposure, KeyValue, ProbeAction, Resources, ServiceSettings, Setting } from '../../model/system.js';
import { isSubdomain } from '../../emit/api-rules.js';
import { Codes } from '../codes.js';
import { child, type PNode } from '../tree.js';
import { report, text, warn, type NormalizeContext } from './reader.js';
import { shardsSetting } from './shards.js';

const EXPOSURES: Record<string, Exposure> = {
  clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer', headless: 'Headless',
};
const CONTROLLERS = new Set(['deployment', 'daemonset', 'statefulset']);

/** Kompose labels that are honoured, and the setting each one feeds. */
const KOMPOSE_LABELS: Record<string, keyof ServiceSettings> = {
  'kompose.service.type': 'expose',
  'kompose.volume.size': 'volumeSize',
  'kompose.volume.storage-class-name': 'storageClass',
  'kompose.controller.type': 'controller',
  'kompose.serviceaccount-name': 'serviceAccount',
};

/**
 * Per-service settings: the `x-tycho` block, then Kompose's `kompose.*` labels where the
 * block is silent, so Kompose users can switch without editing their files. The service's
 * resources give shards their sizes where the block leaves them out.
 */
export function normalizeSettings(name: string, svc: PNode, labels: readonly KeyValue[], resources: Resources, ctx: NormalizeContext): ServiceSettings {
  const ext = child(svc, 'x-tycho');
  const fromExt: Record<string, Setting<unknown> | undefined> = {
    expose: enumSetting(child(ext, 'expose'), EXPOSURES, 'x-tycho.expose', ctx),
    volumeSize: textSetting(child(ext, 'volume_size')),
    storageClass: textSetting(child(ext, 'storage_class')),
    controller: controllerSetting(child(ext, 'controller'), ctx),
    fsGroup: numberSetting(child(ext, 'fs_group'), ctx),
    probe: probeSetting(child(ext, 'probe'), ctx),
    proxyRewrite: proxySetting(child(ext, 'proxy_rewrite')),
    serviceAccount: serviceAccountSetting(child(ext, 'service_account'), 'x-tycho.service_account', ctx),
    shards: shardsSetting(child(ext, 'shards'), name, resources, ctx),
  };
  for (const [key, e] of ext?.kind === 'map' ? ext.entries : []) {
    if (!(settingKey(key) in fromExt)) warn(ctx, Codes.unknownKey, `unknown key \`${key}\` in \`x-tycho\` of service \`${name}\``, e.keyPos);
  }
  for (const label of labels) {
    if (!label.key.startsWith('kompose.')) continue;
    const setting = KOMPOSE_LABELS[label.key];
    if (!setting) {
      warn(ctx, Codes.droppedKey, `label \`${label.key}\` of service \`${name}\` is a Kompose option tychoc does not honour; it is dropped`, label.pos);
      continue;
    }
    if (fromExt[setting]) continue;
    const node: PNode = { kind: 'scalar', value: label.value, pos: label.pos };
    fromExt[setting] =
      setting === 'expose' ? enumSetting(node, EXPOSURES, label.key, ctx)
      : setting === 'controller' ? controllerSetting(node, ctx)
      : setting === 'serviceAccount' ? serviceAccountSetting(node, label.key, ctx)
      : textSetting(node);
  }
  return Object.fromEntries(Object.entries(fromExt).filter(([, v]) => v !== undefined)) as ServiceSettings;
}

function settingKey(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function textSetting(node: PNode | undefined): Setting<string> | undefined {
  const value = text(node);
  return value === undefined ? undefined : { value, pos: node!.pos };
}

function serviceAccountSetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<string> | undefined {
  const setting = textSetting(node);
  if (setting && !isSubdomain(setting.value)) {
    report(ctx, Codes.invalidValue, `\`${what}\` must name a ServiceAccount (lower-case letters, digits, '-' and '.'), not ${JSON.stringify(setting.value)}`, node!);
    return undefined;
  }
  return setting;
}

function enumSetting<T>(node: PNode | undefined, values: Record<string, T>, what: string, ctx: NormalizeContext): Setting<T> | undefined {
  const raw = text(node);
  if (raw === undefined) return undefined;
  const value = values[raw.toLowerCase()];
  if (value === undefined) report(ctx, Codes.invalidValue, `\`${what}\` must be one of ${Object.values(values).join(', ')}, not ${JSON.stringify(raw)}`, node!);
  return value === undefined ? undefined : { value, pos: node!.pos };
}

function controllerSetting(node: PNode | undefined, ctx: NormalizeContext): Setting<'deployment' | 'daemonset' | 'statefulset'> | undefined {
  const raw = text(node)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (!CONTROLLERS.has(raw)) {
    report(ctx, Codes.invalidValue, `controller must be one of ${[...CONTROLLERS].join(', ')}, not ${JSON.stringify(text(node))}`, node!);
    return undefined;
  }
  return { value: raw as 'deployment' | 'daemonset' | 'statefulset', pos: node!.pos };
}

function numberSetting(node: PNode | undefined, ctx: NormalizeContext): Setting<number> | undefined {
  const raw = text(node);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    report(ctx, Codes.invalidValue, `\`x-tycho.fs_group\` must be a numeric group id, not ${JSON.stringify(raw)}`, node!);
    return undefined;
  }
  return { value, pos: node!.pos };
}

/** `probe: {http: {path, port}}` or `probe: {tcp: {port}}`. */
function probeSetting(node: PNode | undefined, ctx: NormalizeContext): Setting<ProbeAction> | undefined {
  if (!node) return undefined;
  const http = child(node, 'http');
  const tcp = child(node, 'tcp');
  const port = Number(text(child(http ?? tcp, 'port')));
  if ((!http && !tcp) || !Number.isInteger(port) || port < 1 || port > 65535) {
    report(ctx, Codes.invalidValue, '`x-tycho.probe` must be `{http: {path, port}}` or `{tcp: {port}}` with a port from 1 to 65535', node);
    return undefined;
  }
  const value: ProbeAction = http ? { type: 'http', path: text(child(http, 'path')) ?? '/', port } : { type: 'tcp', port };
  return { value, pos: node.pos };
}

function proxySetting(node: PNode | undefined): Setting<{ prefix?: string; rewrite: string }> | undefined {
  if (!node) return undefined;
  const prefix = text(child(node, 'prefix'));
  const rewrite = node.kind === 'scalar' ? (typeof node.value === 'string' ? node.value : '/') : (text(child(node, 'rewrite')) ?? '/');
  return { value: { ...(prefix !== undefined ? { prefix } : {}), rewrite }, pos: node.pos };
}
