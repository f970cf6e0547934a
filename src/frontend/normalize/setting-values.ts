import type { Setting } from '../../model/system.js';
import { isLabelValue, isLocalPath, isQuantity, isSubdomain } from '../../emit/api-rules.js';
import { Codes } from '../codes.js';
import type { PNode } from '../tree.js';
import { report, text, type NormalizeContext } from './reader.js';

/**
 * Readers of one setting's value, shared by `x-tycho` keys and `kompose.*` labels: each takes the
 * node, the name to report it by, and gives the setting or reports the value and gives undefined.
 */
export type ValueReader<T> = (node: PNode | undefined, what: string, ctx: NormalizeContext) => Setting<T> | undefined;

export const CONTROLLERS = ['deployment', 'daemonset', 'statefulset'] as const;
export type Controller = (typeof CONTROLLERS)[number];

/** Any text. */
export function textSetting(node: PNode | undefined): Setting<string> | undefined {
  const value = text(node);
  return value === undefined ? undefined : { value, pos: node!.pos };
}

/** Text that must not be empty. */
export function nonEmptySetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<string> | undefined {
  const setting = textSetting(node);
  if (setting?.value.trim() === '') {
    report(ctx, Codes.invalidValue, `\`${what}\` must not be empty`, node!);
    return undefined;
  }
  return setting;
}

/** The name of an object in the namespace (a ServiceAccount, a Secret): a DNS subdomain. */
export function objectNameSetting(kind: string): ValueReader<string> {
  return (node, what, ctx) => {
    const setting = textSetting(node);
    if (setting && !isSubdomain(setting.value)) {
      report(ctx, Codes.invalidValue, `\`${what}\` must name a ${kind} (lower-case letters, digits, '-' and '.'), not ${JSON.stringify(setting.value)}`, node!);
      return undefined;
    }
    return setting;
  };
}

/** One of some words, matched without regard to case; `values` maps each lower-cased word to its value. */
export function enumSetting<T>(values: Readonly<Record<string, T>>): ValueReader<T> {
  return (node, what, ctx) => {
    const raw = text(node);
    if (raw === undefined) return undefined;
    const value = values[raw.toLowerCase()];
    if (value === undefined) report(ctx, Codes.invalidValue, `\`${what}\` must be one of ${[...new Set(Object.values(values))].join(', ')}, not ${JSON.stringify(raw)}`, node!);
    return value === undefined ? undefined : { value, pos: node!.pos };
  };
}

/** A whole number from `min` to `max`. */
export function integerSetting(min: number, max: number, unit = 'a whole number'): ValueReader<number> {
  return (node, what, ctx) => {
    const raw = text(node);
    if (raw === undefined) return undefined;
    const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) {
      report(ctx, Codes.invalidValue, `\`${what}\` must be ${unit} from ${min} to ${max}, not ${JSON.stringify(raw)}`, node!);
      return undefined;
    }
    return { value, pos: node!.pos };
  };
}

/** A Kubernetes quantity, such as a claim's size (`5Gi`). */
export function quantitySetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<string> | undefined {
  const setting = textSetting(node);
  if (setting && !isQuantity(setting.value)) {
    report(ctx, Codes.invalidValue, `\`${what}\` must be a Kubernetes quantity such as 5Gi or 500Mi, not ${JSON.stringify(setting.value)}`, node!);
    return undefined;
  }
  return setting;
}

/** A label value: the selector of a claim's volume. */
export function labelValueSetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<string> | undefined {
  const setting = textSetting(node);
  if (setting && !isLabelValue(setting.value)) {
    report(ctx, Codes.invalidValue, `\`${what}\` must be a label value (letters, digits, '-', '_' and '.', at most 63), not ${JSON.stringify(setting.value)}`, node!);
    return undefined;
  }
  return setting;
}

/** A path inside a volume: relative, without `..`, as Kubernetes' `subPath` must be. */
export function subPathSetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<string> | undefined {
  const setting = textSetting(node);
  if (setting && !isLocalPath(setting.value)) {
    report(ctx, Codes.invalidValue, `\`${what}\` must be a relative path inside the volume, without \`..\`, not ${JSON.stringify(setting.value)}`, node!);
    return undefined;
  }
  return setting;
}

/** `true` or `false` (also in capitals, as YAML 1.1 and Go's parsers write them). */
export function booleanSetting(node: PNode | undefined, what: string, ctx: NormalizeContext): Setting<boolean> | undefined {
  const raw = text(node)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    report(ctx, Codes.invalidValue, `\`${what}\` must be true or false, not ${JSON.stringify(text(node))}`, node!);
    return undefined;
  }
  return { value: raw === 'true', pos: node!.pos };
}

export const controllerSetting = enumSetting<Controller>(Object.fromEntries(CONTROLLERS.map((c) => [c, c])));

/** A numeric group id. */
export const groupIdSetting = integerSetting(0, 2 ** 31 - 1, 'a numeric group id');

/** A label's value as a node positioned at the label, so that its readers report there. */
export function labelNode(label: { readonly value: string; readonly pos: PNode['pos'] }): PNode {
  return { kind: 'scalar', value: label.value, pos: label.pos };
}
