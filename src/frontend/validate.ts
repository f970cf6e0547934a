import type { ErrorObject } from 'ajv';
import validateSchema from '../../generated/compose-validator.js';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from './codes.js';
import { child, nodeAt, toPlain, type PMap } from './tree.js';
import { describeValue, dottedPath, TYPE_WORDS } from './schema-words.js';
import { closest } from './suggest.js';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const validator = validateSchema as unknown as Validator;

/** Checks one file's tree against the compose specification's JSON Schema. */
export function validateCompose(root: PMap): Diagnostic[] {
  if (validator(toPlain(root))) return [];
  return selectErrors(validator.errors ?? []).map((e) => toDiagnostic(root, e));
}

/**
 * ajv reports every failed `oneOf` branch; keep the most specific errors: drop those whose
 * path is a prefix of another error's path, and the combinator summaries themselves.
 */
function selectErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const deepest = concrete.filter((e) => !concrete.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of deepest) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: ErrorObject[] = [];
  for (const group of byPath.values()) {
    const unknown = group.filter((e) => e.keyword === 'additionalProperties');
    const pick = unknown.length > 0 ? unknown : group.filter((e) => e.keyword === 'required');
    const constraints = pick.length > 0 ? pick : ofMatchingType(group);
    if (constraints.length > 0) out.push(...dedupe(constraints));
    else out.push(mergeTypeErrors(group));
  }
  return out;
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.keyword}:${JSON.stringify(e.params)}`;
    return !seen.has(k) && seen.add(k) !== undefined;
  });
}

/**
 * Failures from the branches whose type the value has (`uniqueItems` on the list branch of
 * list_or_dict): they say what is wrong with it, where the other branches' type errors do not.
 */
function ofMatchingType(group: readonly ErrorObject[]): ErrorObject[] {
  const branch = (e: ErrorObject) => e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'));
  const wrongType = new Set(group.filter((e) => e.keyword === 'type').map(branch));
  return group.filter((e) => e.keyword !== 'type' && !wrongType.has(branch(e)));
}

/** `type` failures on the same value from several branches become one "must be a or b". */
function mergeTypeErrors(group: ErrorObject[]): ErrorObject {
  const types = group.filter((e) => e.keyword === 'type').flatMap((e) => [e.params['type'] as string | string[]].flat());
  if (types.length === 0) return group[0]!;
  return { ...group[0]!, keyword: 'type', params: { type: [...new Set(types)] } };
}

function segments(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Says whose key it is: "service `web`", "volume `data`", or the top level. */
function owner(path: readonly string[]): string {
  const kinds: Record<string, string> = { services: 'service', volumes: 'volume', networks: 'network', secrets: 'secret', configs: 'config' };
  if (path.length === 0) return 'at the top level';
  const kind = kinds[path[0]!];
  if (kind && path.length >= 2) {
    const inner = path.slice(2);
    return `in ${kind} \`${path[1]}\`${inner.length > 0 ? ` (${dottedPath(inner)})` : ''}`;
  }
  return `in \`${dottedPath(path)}\``;
}

function toDiagnostic(root: PMap, e: ErrorObject): Diagnostic {
  const path = segments(e.instancePath);
  const at = nodeAt(root, path);
  const pos = at?.keyPos ?? at?.node.pos ?? root.pos;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = e.params['additionalProperty'] as string;
      const entry = at?.node.kind === 'map' ? at.node.entries.get(key) : undefined;
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(key, allowed);
      const legacy = path.length === 0 && entry && (child(entry.value, 'image') ?? child(entry.value, 'build'));
      const advice = legacy ? '; it looks like a service in the version 1 format: move services under `services:`' : hint ? `, did you mean \`${hint}\`?` : '';
      return {
        severity: 'error',
        code: Codes.unknownKey,
        message: `unknown key \`${key}\` ${owner(path)}${advice}`,
        pos: entry?.keyPos ?? pos,
      };
    }
    case 'required':
      return { severity: 'error', code: Codes.missingKey, message: `missing required key \`${e.params['missingProperty']}\` ${owner(path)}`, pos };
    case 'type': {
      const want = [e.params['type'] as string | string[]].flat().map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      const got = at ? describeValue(toPlain(at.node)) : 'nothing';
      return { severity: 'error', code: Codes.wrongType, message: `\`${dottedPath(path)}\` must be ${want}, not ${got}`, pos };
    }
    case 'uniqueItems': {
      // ajv's two ways of comparing name the pair in either order.
      const [first, second] = [e.params['i'] as number, e.params['j'] as number].sort((a, b) => a - b);
      const later = nodeAt(root, [...path, String(second)]);
      const item = later ? JSON.stringify(toPlain(later.node)) : 'an item';
      return { severity: 'error', code: Codes.invalidValue, message: `\`${dottedPath(path)}\` lists ${item} twice (items ${first} and ${second})`, pos: later?.node.pos ?? pos };
    }
    default:
      return { severity: 'error', code: Codes.invalidValue, message: `\`${dottedPath(path)}\` ${e.message ?? 'is invalid'}`, pos };
  }
}
