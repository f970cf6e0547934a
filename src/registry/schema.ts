import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { closest } from '../frontend/suggest.js';
import { nodeAt, type PMap } from '../frontend/tree.js';
import { describeValue, dottedPath, TYPE_WORDS } from '../frontend/schema-words.js';
import { packagePath } from '../package-path.js';
import { plainWithoutResets } from './merge.js';

type Schema = Record<string, unknown>;

let compiled: { validate: ValidateFunction; schema: Schema } | undefined;

/** The registry schema, compiled on first use: only programs that load a registry pay for ajv. */
function validator(): { validate: ValidateFunction; schema: Schema } {
  if (!compiled) {
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(packagePath('schemas', 'registry.schema.json'), 'utf8')) as Schema;
    // Quantities are strings or numbers under one pattern, which applies to strings alone.
    compiled = { validate: new Ajv2020({ allErrors: true, verbose: true, strictTypes: false }).compile(schema), schema };
  }
  return compiled;
}

/** Checks apps.yaml against schemas/registry.schema.json; each problem is reported at the key it is about. */
export function validateRegistry(root: PMap): Diagnostic[] {
  const { validate, schema } = validator();
  if (validate(plainWithoutResets(root))) return [];
  const errors = validate.errors ?? [];
  // A failed `oneOf` says what is wrong; its branches' failures, and `dependentRequired` beside it, would only repeat it.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const repeats = (e: ErrorObject) =>
    e.keyword === 'propertyNames' || oneOfs.some((o) => e.schemaPath.startsWith(`${o.schemaPath}/`) || (e.keyword === 'dependentRequired' && e.instancePath === o.instancePath));
  const kept = errors.filter((e) => !repeats(e));
  const unique = new Map<string, Diagnostic>();
  for (const d of kept.map((e) => toDiagnostic(root, schema, e))) unique.set(`${d.pos!.line}:${d.pos!.col} ${d.message}`, d);
  return [...unique.values()].sort((a, b) => a.pos!.line - b.pos!.line || a.pos!.col - b.pos!.col);
}

function toDiagnostic(root: PMap, schema: Schema, e: ErrorObject): Diagnostic {
  const path = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const at = nodeAt(root, path);
  const where = path.length === 0 ? 'at the top level' : `in \`${dottedPath(path)}\``;
  const error = (message: string, keyPath = path): Diagnostic => {
    const node = nodeAt(root, keyPath) ?? at;
    return { severity: 'error', code: Codes.invalidRegistry, message, pos: node?.keyPos ?? node?.node.pos ?? root.pos };
  };
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) return error(`key \`${propertyName}\` ${where} must be ${describe(e.parentSchema)}`, [...path, propertyName]);
  const value = at ? JSON.stringify(plainWithoutResets(at.node)) : 'nothing';
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(e.params['additionalProperty'] ?? e.params['unevaluatedProperty']);
      // `gpu` for `gpus` before `cpu`: a key the word begins is the likelier one at the same distance.
      const candidates = propertyNames(schema, e.parentSchema as Schema | undefined).sort((a, b) => Number(b.startsWith(key)) - Number(a.startsWith(key)));
      const hint = closest(key, candidates);
      return error(`unknown key \`${key}\` ${where}${hint ? `, did you mean \`${hint}\`?` : ''}`, [...path, key]);
    }
    case 'required':
      return error(`missing required key \`${e.params['missingProperty']}\` ${where}`);
    case 'dependentRequired':
      return error(`\`${dottedPath([...path, String(e.params['property'])])}\` needs \`${e.params['missingProperty']}\` beside it`, [...path, String(e.params['property'])]);
    case 'oneOf': {
      const keys = ((e.parentSchema as Schema)['oneOf'] as Schema[]).map((b) => `\`${(b['required'] as string[])[0]}\``).join(' or ');
      return error(`\`${dottedPath(path)}\` needs exactly one of ${keys}`);
    }
    case 'type': {
      const want = [e.params['type'] as string | string[]].flat().map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return error(`\`${dottedPath(path)}\` must be ${want}, not ${at ? describeValue(plainWithoutResets(at.node)) : 'nothing'}`);
    }
    case 'pattern':
      return error(`\`${dottedPath(path)}\` must be ${describe(e.parentSchema)}, not ${value}`);
    case 'uniqueItems': {
      const [, second] = [e.params['i'] as number, e.params['j'] as number].sort((a, b) => a - b);
      const later = nodeAt(root, [...path, String(second)]);
      return { ...error(`\`${dottedPath(path)}\` lists ${later ? JSON.stringify(plainWithoutResets(later.node)) : 'an item'} twice`), ...(later ? { pos: later.node.pos } : {}) };
    }
    case 'minProperties':
      return error(`\`${dottedPath(path)}\` must ${e.params['limit'] === 1 ? 'not be empty' : `hold at least ${e.params['limit']} entries`}`);
    default:
      return error(`\`${dottedPath(path)}\` ${e.message ?? 'is invalid'}, not ${value}`);
  }
}

/** The keys a schema allows, its `$ref`'s included, for did-you-mean hints. */
function propertyNames(schema: Schema, at: Schema | undefined): string[] {
  if (!at) return [];
  const own = Object.keys((at['properties'] as Schema | undefined) ?? {});
  const ref = at['$ref'];
  return typeof ref === 'string' && ref.startsWith('#/') ? [...own, ...propertyNames(schema, pointer(schema, ref))] : own;
}

function pointer(schema: Schema, ref: string): Schema | undefined {
  let node: unknown = schema;
  for (const seg of ref.slice(2).split('/')) node = (node as Schema | undefined)?.[seg];
  return node as Schema | undefined;
}

/** What a pattern stands for, in the words of the schema's description. */
function describe(parentSchema: unknown): string {
  const s = parentSchema as Schema | undefined;
  return typeof s?.['description'] === 'string' ? s['description'] : `a value matching ${String(s?.['pattern'])}`;
}


