import { basename } from 'node:path';
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
    const file = text(child(def, 'file'));
    if (file !== undefined) {
      // Kept even when unreadable, so that services using it are not reported again.
      const content = readBytes(file, ctx.diagnostics, child(def, 'file')!.pos, `${section.slice(0, -1)} \`${name}\` file`);
      return [{ ...common, key: dataKey(basename(file)), ...(content ? { content } : {}) }];
    }
    const content = text(child(def, 'content'));
    if (content !== undefined) return [{ ...common, key: dataKey(name), content: Buffer.from(content) }];
    const variable = text(child(def, 'environment'));
    if (variable !== undefined) {
      const value = lookup(variable);
      if (!value) report(ctx, Codes.undefinedReference, `${section.slice(0, -1)} \`${name}\` reads variable \`${variable}\`, which is not set`, child(def, 'environment')!);
      return [{ ...common, key: dataKey(name), ...(value ? { content: Buffer.from(value.value) } : {}) }];
    }
    report(ctx, Codes.missingKey, `${section.slice(0, -1)} \`${name}\` needs \`file\`, \`content\`, \`environment\` or \`external\``, def);
    return [];
  });
}
