import type { KeyValue, ProbeAction, Resources, ServiceSettings, Setting } from '../../model/system.js';
import { Codes } from '../codes.js';
import { child, type PNode } from '../tree.js';
import { EXPOSURES, komposeSettings } from './kompose-labels.js';
import { report, text, warn, type NormalizeContext } from './reader.js';
import { controllerSetting, enumSetting, groupIdSetting, objectNameSetting, textSetting } from './setting-values.js';
import { shardsSetting } from './shards.js';

/** The `x-tycho` keys, each read into its setting. */
const X_TYCHO: Readonly<Record<string, (node: PNode, ctx: NormalizeContext, name: string, resources: Resources) => Setting<unknown> | undefined>> = {
  expose: (n, ctx) => enumSetting(EXPOSURES)(n, 'x-tycho.expose', ctx),
  volume_size: (n) => textSetting(n),
  storage_class: (n) => textSetting(n),
  controller: (n, ctx) => controllerSetting(n, 'x-tycho.controller', ctx),
  fs_group: (n, ctx) => groupIdSetting(n, 'x-tycho.fs_group', ctx),
  probe: (n, ctx) => probeSetting(n, ctx),
  proxy_rewrite: (n) => proxySetting(n),
  service_account: (n, ctx) => objectNameSetting('ServiceAccount')(n, 'x-tycho.service_account', ctx),
  shards: (n, ctx, name, resources) => shardsSetting(n, name, resources, ctx),
};

/**
 * Per-service settings: the `x-tycho` block, then Kompose's `kompose.*` labels where the block is
 * silent, so Kompose users can switch without editing their files; a label the block overrides
 * is warned about. The service's resources give shards their sizes where the block leaves them out.
 */
export function normalizeSettings(name: string, svc: PNode, labels: readonly KeyValue[], resources: Resources, ctx: NormalizeContext): ServiceSettings {
  const ext = child(svc, 'x-tycho');
  const fromExt: Record<string, Setting<unknown>> = {};
  const extKeys = new Map<string, string>();
  for (const [key, e] of ext?.kind === 'map' ? ext.entries : []) {
    const read = X_TYCHO[key];
    if (!read) {
      warn(ctx, Codes.unknownKey, `unknown key \`${key}\` in \`x-tycho\` of service \`${name}\``, e.keyPos);
      continue;
    }
    const setting = read(e.value, ctx, name, resources);
    if (setting) fromExt[settingKey(key)] = setting;
    extKeys.set(settingKey(key), key);
  }
  const fromLabels = komposeSettings(name, labels, ctx);
  for (const [key, { setting, labels: given }] of fromLabels) {
    const ext = extKeys.get(key);
    if (ext === undefined) fromExt[key] = setting;
    else warn(ctx, Codes.overriddenLabel, `${given.map((l) => `\`${l}\``).join(', ')} of service \`${name}\` ${given.length > 1 ? 'are' : 'is'} overridden by \`x-tycho.${ext}\``, setting.pos);
  }
  return fromExt as ServiceSettings;
}

function settingKey(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
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
