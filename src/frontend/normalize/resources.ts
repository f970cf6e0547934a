import { basename } from 'node:path';
import { DATA_MAX_BYTES } from '../../emit/api-rules.js';
import { dataKey } from '../../emit/names.js';
import type { FileObject, KeyValue, Network, Setting, Volume, VolumeSettings } from '../../model/system.js';
import { Codes } from '../codes.js';
import type { Lookup } from '../interpolate.js';
import { asMap } from '../merge.js';
import { readBytes } from '../read.js';
import { child, type PMap, type PNode } from '../tree.js';
import { entries, flag, report, text, warn, type NormalizeContext } from './reader.js';
import { labelNode, labelValueSetting, objectNameSetting, quantitySetting, type ValueReader } from './setting-values.js';

/** Top-level `volumes`: each one a claim unless it is `external`; Kompose's labels on it size and select its claim. */
export function normalizeVolumes(root: PMap, ctx: NormalizeContext): Volume[] {
  return entries(child(root, 'volumes')).map(([name, def, pos]) => {
    const all = labels(child(def, 'labels'));
    const settings = volumeSettings(name, all, ctx);
    return {
      name,
      external: flag(child(def, 'external')),
      externalName: text(child(def, 'name')),
      labels: all.filter((l) => !l.key.startsWith('kompose.')),
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      pos,
    };
  });
}

/** The Kompose labels Kompose reads on a top-level volume (size, selector), and the storage class beside them. */
const VOLUME_LABELS: Readonly<Record<string, [keyof VolumeSettings, ValueReader<string>]>> = {
  'kompose.volume.size': ['size', quantitySetting],
  'kompose.volume.storage-class-name': ['storageClass', objectNameSetting('StorageClass')],
  'kompose.volume.selector': ['selector', labelValueSetting],
};

function volumeSettings(name: string, all: readonly KeyValue[], ctx: NormalizeContext): VolumeSettings {
  const out: Record<string, Setting<string>> = {};
  for (const label of all) {
    if (!label.key.startsWith('kompose.')) continue;
    const known = VOLUME_LABELS[label.key];
    if (!known) {
      warn(ctx, Codes.droppedKey, `label \`${label.key}\` of volume \`${name}\` is a Kompose option tychoc does not honour on volumes; it is dropped`, label.pos);
      continue;
    }
    const setting = known[1](labelNode(label), label.key, ctx);
    if (setting) out[known[0]] = setting;
  }
  return out;
}

/** Top-level `networks`, plus the `default` network compose always has. */
export function normalizeNetworks(root: PMap): Network[] {
  const declared = entries(child(root, 'networks')).map(([name, def, pos]) => ({ name, external: flag(child(def, 'external')), pos }));
  return declared.some((n) => n.name === 'default') ? declared : [...declared, { name: 'default', external: false, pos: root.pos }];
}

function labels(node: PNode | undefined): KeyValue[] {
  return entries(node ? asMap(node) : undefined).map(([key, value, pos]) => ({ key, value: text(value) ?? '', pos }));
}

/**
 * Top-level `configs` or `secrets` with their content read now (`file`, `content`,
 * `environment`), so that emission stays pure.
 */
export function normalizeFileObjects(root: PMap, section: 'configs' | 'secrets', lookup: Lookup, ctx: NormalizeContext): FileObject[] {
  return entries(child(root, section)).flatMap(([name, def, pos]): FileObject[] => {
    const external = flag(child(def, 'external'));
    const common = { name, external, externalName: text(child(def, 'name')), pos };
    if (external) return [{ ...common, key: dataKey(name) }];
    const what = `${section.slice(0, -1)} \`${name}\``;
    // Content Kubernetes cannot hold is refused here, before every object is built for nothing.
    const fits = (content: Buffer | undefined, at: PNode) => {
      if (!content || content.length <= DATA_MAX_BYTES) return content;
      report(ctx, Codes.unrepresentable, `${what} holds ${content.length} bytes, more than the ${DATA_MAX_BYTES} a ${section === 'configs' ? 'ConfigMap' : 'Secret'} can hold`, at);
      return undefined;
    };
    const file = text(child(def, 'file'));
    if (file !== undefined) {
      // Kept even when unreadable, so that services using it are not reported again.
      const content = fits(readBytes(file, ctx.diagnostics, child(def, 'file')!.pos, `${what} file`, ctx.within), child(def, 'file')!);
      return [{ ...common, key: dataKey(basename(file)), ...(content ? { content } : {}) }];
    }
    const inline = text(child(def, 'content'));
    if (inline !== undefined) {
      const content = fits(Buffer.from(inline), child(def, 'content')!);
      return [{ ...common, key: dataKey(name), ...(content ? { content } : {}) }];
    }
    const variable = text(child(def, 'environment'));
    if (variable !== undefined) {
      const value = lookup(variable);
      if (!value) report(ctx, Codes.undefinedReference, `${what} reads variable \`${variable}\`, which is not set`, child(def, 'environment')!);
      const content = value && fits(Buffer.from(value.value), child(def, 'environment')!);
      return [{ ...common, key: dataKey(name), ...(content ? { content } : {}) }];
    }
    report(ctx, Codes.missingKey, `${section.slice(0, -1)} \`${name}\` needs \`file\`, \`content\`, \`environment\` or \`external\``, def);
    return [];
  });
}
