import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { packagePath } from '../../src/package-path.js';
import { EDGES, kindOfKey, plainScalarFor, scalarFor } from './edges.js';

type Schema = Record<string, any>;

const spec = JSON.parse(readFileSync(packagePath('schemas', 'compose-spec.json'), 'utf8')) as Schema;

/** How deep generated values nest below a service: enough for deploy.resources.reservations.devices. */
const MAX_DEPTH = 6;
/** Keys per generated mapping: few, so that a document is small and reaches emission. */
const MAX_KEYS = 4;

const IMAGES = ['nginx', 'busybox:1.36', 'postgres:16', 'redis', 'ghcr.io/acme/app@sha256:' + 'a'.repeat(64), 'registry:5000/x/y:tag'];

/**
 * `edgy` documents draw every value toward the edges (and rarely add a key the schema does not
 * know), so most stop at a diagnostic; `plain` ones draw values a user would write, so most
 * travel the whole pipeline to objects, where the emitted objects' properties are checked.
 */
export type Style = 'edgy' | 'plain';

/** `value` once in `odds` draws, else undefined (fc.option's `freq` is the odds of undefined instead). */
export function rarely<T>(value: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: odds - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
}

const documents = new Map<Style, fc.Arbitrary<Record<string, unknown>>>();

/** Compose documents drawn from the compose-spec schema itself, each mapping a few of the keys it allows. */
export function composeDocument(style: Style): fc.Arbitrary<Record<string, unknown>> {
  return documents.get(style) ?? documents.set(style, drawer(style)).get(style)!;
}

function drawer(style: Style): fc.Arbitrary<Record<string, unknown>> {
  const edgy = style === 'edgy';
  const scalar = edgy ? scalarFor : plainScalarFor;
  const names = (plain: readonly string[], odd: readonly string[]) => (edgy ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...plain) }, { weight: 1, arbitrary: fc.constantFrom(...odd) }) : fc.constantFrom(...plain));
  const memo = new Map<string, fc.Arbitrary<unknown>>();

  /** A value the schema describes, `key` being the mapping key it sits under. */
  const valueOf = (schema: Schema, depth: number, key?: string): fc.Arbitrary<unknown> => {
    if (schema['$ref']) {
      const name = String(schema['$ref']).split('/').pop()!;
      const id = `${name}@${depth}@${kindOfKey(key) ?? ''}`;
      // Built on first use: the schema refers to itself, and most of it is never drawn.
      let built: fc.Arbitrary<unknown> | undefined;
      if (!memo.has(id)) memo.set(id, fc.constant(null).chain(() => (built ??= valueOf(ref(name), depth, key))));
      return memo.get(id)!;
    }
    if (depth > MAX_DEPTH) return scalar(kindOfKey(key));
    if (schema['enum']) return edgy ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(schema['enum'] as unknown[])) }, { weight: 1, arbitrary: scalar(kindOfKey(key)) }) : fc.constantFrom(...(schema['enum'] as unknown[]));
    const alternatives = (schema['oneOf'] ?? schema['anyOf']) as Schema[] | undefined;
    if (alternatives) return fc.oneof(...alternatives.map((a) => valueOf(a, depth, key)));
    let types = ([] as string[]).concat(schema['type'] ?? []);
    // A number or its string spelling: a plain document writes the number.
    if (!edgy && types.some((t) => t === 'integer' || t === 'number')) types = types.filter((t) => t !== 'string');
    if (types.length === 0) return scalar(kindOfKey(key));
    return fc.oneof(...types.map((t) => typed(t, schema, depth, key)));
  };

  const typed = (type: string, schema: Schema, depth: number, key: string | undefined): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'object':
        return mapping(schema, depth);
      case 'array': {
        const item = schema['items'] ? valueOf(schema['items'], depth + 1, key) : scalar(kindOfKey(key));
        return schema['uniqueItems'] && !edgy ? fc.uniqueArray(item, { maxLength: 3, selector: (v) => JSON.stringify(v) }) : fc.array(item, { maxLength: 3 });
      }
      case 'boolean':
        return edgy ? fc.oneof(fc.boolean(), scalar(undefined)) : fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'integer':
      case 'number':
        return edgy || kindOfKey(key) ? scalar(kindOfKey(key)) : fc.integer({ min: 0, max: 3 });
      default:
        return !edgy && schema['pattern'] ? fc.stringMatching(new RegExp(schema['pattern'] as string, 'u'), { maxLength: 12 }) : scalar(kindOfKey(key));
    }
  };

  const mapping = (schema: Schema, depth: number): fc.Arbitrary<unknown> => {
    const properties = Object.entries((schema['properties'] ?? {}) as Record<string, Schema>);
    const patterns = Object.values((schema['patternProperties'] ?? {}) as Record<string, Schema>);
    // A plain mapping always has the keys the schema requires.
    const required = edgy ? [] : properties.filter(([k]) => ((schema['required'] ?? []) as string[]).includes(k));
    const optional = properties.filter((p) => !required.includes(p));
    const named = properties.length === 0
      ? fc.constant([] as [string, unknown][])
      : fc.subarray(optional, { maxLength: Math.min(MAX_KEYS, optional.length) }).chain((picked) =>
          fc.tuple(...[...required, ...picked].map(([k, s]) => valueOf(s, depth + 1, k).map((v) => [k, v] as [string, unknown]))),
        );
    const free = patterns.length > 0 || schema['additionalProperties'] !== false
      ? fc.array(fc.tuple(freeKey(schema, edgy), patterns[0] ? valueOf(patterns[0], depth + 1) : scalar(undefined)), { maxLength: 2 })
      : fc.constant([] as [string, unknown][]);
    // Now and then a key the schema does not know, which must be reported, not crash anything.
    const unknown = edgy ? rarely(fc.tuple(fc.constantFrom('imagee', 'constructor', 'toString', '__proto__', 'ports '), scalar(undefined)), 100) : fc.constant(undefined);
    return fc.tuple(named, free, unknown).map(([a, b, c]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of [...a, ...b, ...(c ? [c] : [])]) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      return out;
    });
  };

  // Most services get an image, so that most documents pass the check that each has one.
  const service = fc
    .tuple(valueOf(ref('service'), 1), fc.option(fc.constantFrom(...IMAGES), { freq: edgy ? 5 : 50, nil: undefined }))
    .map(([svc, image]) => (image && svc && typeof svc === 'object' && !Array.isArray(svc) ? { image, ...svc } : svc));
  // A plain config or secret reads the project's s.txt, rather than a variable or nothing.
  const fileSource = (definition: fc.Arbitrary<unknown>) =>
    edgy ? definition : definition.map((d) => (d && typeof d === 'object' && !Array.isArray(d) ? { ...Object.fromEntries(Object.entries(d).filter(([k]) => !['environment', 'external', 'content'].includes(k))), file: './s.txt' } : d));
  const top = (keys: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) => fc.option(fc.dictionary(keys, value, { maxKeys: 2 }), { nil: undefined });

  return fc
    .record({
      services: fc.dictionary(names(['web', 'db', 'cache', 'api', 'worker'], EDGES.names), service, { minKeys: 1, maxKeys: 3 }),
      volumes: top(names(['data', 'db', 'a_b'], ['x'.repeat(70)]), fc.option(valueOf(ref('volume'), 1), { nil: null })),
      configs: top(names(['conf'], ['constructor', 'c'.repeat(260)]), fileSource(valueOf(ref('config'), 1))),
      secrets: top(fc.constantFrom('pw', 'token'), fileSource(valueOf(ref('secret'), 1))),
      networks: top(fc.constantFrom('front', 'back', 'default'), fc.option(valueOf(ref('network'), 1), { nil: null })),
      name: fc.option(edgy ? fc.oneof(fc.constantFrom('shop', 'My App', '!!!', 'a'.repeat(70), 'a-'), fc.string({ maxLength: 8 })) : fc.constantFrom('shop', 'my-app'), { nil: undefined }),
    })
    .map((doc) => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)));
}

function ref(name: string): Schema {
  return spec['$defs'][name] as Schema;
}

/** A key the mapping allows besides its named ones: any, or one its key pattern (`^x-`) accepts. */
function freeKey(schema: Schema, edgy: boolean): fc.Arbitrary<string> {
  const candidates = edgy ? [...EDGES.names, 'x-ext', 'KEY', 'com.example.label'] : ['x-ext', 'KEY', 'com.example.label', 'a_b'];
  if (schema['additionalProperties'] !== false) return fc.constantFrom(...candidates);
  const patterns = Object.keys(schema['patternProperties'] as Schema).map((p) => new RegExp(p, 'u'));
  const allowed = candidates.filter((k) => patterns.some((p) => p.test(k)));
  return fc.constantFrom(...(allowed.length > 0 ? allowed : ['x-ext']));
}
