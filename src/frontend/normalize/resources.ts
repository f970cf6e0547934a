import { basename } from 'node:path';
import { DATA_MAX_BYTES } from '../../emit/api-rules.js';
import { dataKey } from '../../emit/names.js';
import type { FileObject, KeyValue, Network, Volume } from '../../model/system.js';
import { Codes } from '../codes.js';
import type { Lookup } from '../interpolate.js';
import { asMap } from '../merge.js';
import { readBytes } from '../read.js';
import { child, type PMap, type PNode } from '../tree.js';
import { entries, flag, report, text, type NormalizeContext } from './reader.js';

/** Top-level `volumes`: each one a claim unless it is `external`. */
export function normalizeVolumes(root: PMap): Volume[] {
  return entries(child(root, 'volumes')).map(([name, def, pos]) => ({
    name,
    external: flag(child(def, 'external')),
    externalName: text(child(def, 'name')),
    labels: labels(child(def, 'labels')),
    pos,
  }));
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
