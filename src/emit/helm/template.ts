import type { Manifest } from '../chart.js';
import { toYamlQuoting } from '../serialize.js';

/** A path into an object: keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * A field of a compiled object that a value decides, with the value's template expression:
 * - `scalar`: a string printed as the serializer prints it (an image, a Service type, a path);
 * - `int`: a whole number (replicas);
 * - `resources`: a container's resources, a map of maps, absent while the value is empty;
 * - `optional`: a key present only while the value is non-empty (an Ingress rule's host);
 * - `nodePort`: a Service port's node port, kept only while the Service type `value` names has
 *   node ports (NodePort, LoadBalancer): Kubernetes refuses one on a ClusterIP Service.
 */
export interface Hole {
  readonly type: 'scalar' | 'int' | 'resources' | 'optional' | 'nodePort';
  readonly path: FieldPath;
  readonly value: string;
}

export interface TemplateOptions {
  /** The chart's name, which prefixes its helpers. */
  readonly chart: string;
  /** Statements before the object (variables the holes' expressions use). */
  readonly prelude: string;
  /** A condition under which the object is rendered at all. */
  readonly when?: string;
}

/** Helm replaces this text wherever a template's output holds it (its "missing value" marker). */
const NO_VALUE = '<no value>';

/**
 * One object as a Helm template: the object as tychoc serializes it, every `{{` escaped so that
 * Helm prints it as it is, and the holes' fields replaced by their values' expressions. With the
 * chart's default values, Helm renders the exact bytes of the compiled object (strings holding
 * Helm's `<no value>` marker excepted: those are written double-quoted with `<` escaped, the same
 * string in other bytes, since Helm would delete the marker from any output).
 */
export function objectTemplate(manifest: Manifest, holes: readonly Hole[], opts: TemplateOptions): string {
  const object = structuredClone(manifest) as Record<string, unknown>;
  const filled = holes.map((hole, i) => {
    const token = `tychoc-hole-${i}-end`;
    const original = fieldAt(object, hole.path);
    setField(object, hole.path, token);
    return { hole, token, original };
  });
  let text = toYamlQuoting(object, (s) => s.includes(NO_VALUE)).replaceAll(NO_VALUE, '\\u003cno value>').replaceAll('{{', '{{ "{{" }}');
  for (const { hole, token, original } of filled) text = fillHole(text, token, hole, original, opts.chart);
  const body = opts.when ? `{{- if ${opts.when} }}\n${text}{{- end }}\n` : text;
  return `${opts.prelude}${body}`;
}

/** Replaces the line of `key: token` (the first key of a list item included) with the hole's template. */
function fillHole(text: string, token: string, hole: Hole, original: unknown, chart: string): string {
  const found = new RegExp(`^( *(?:- )*)([\\w./-]+): ${token}\n`, 'm').exec(text);
  if (!found || text.indexOf(token) !== text.lastIndexOf(token)) throw new Error(`the field ${hole.path.join('.')} is not one line of its object`);
  const [line, indent, key] = found as unknown as [string, string, string];
  const before = text.slice(0, found.index);
  const after = text.slice(found.index + line.length);
  switch (hole.type) {
    case 'scalar':
      return `${before}${indent}${key}: {{ include "${chart}.scalar" ${hole.value} }}\n${after}`;
    case 'int':
      return `${before}${indent}${key}: {{ int ${hole.value} }}\n${after}`;
    case 'resources':
      return `${before}${indent}{{- with ${hole.value} }}\n${indent}${key}: {{- include "${chart}.resources" . | trim | nindent ${indent.length + 2} }}\n${indent}{{- end }}\n${after}`;
    case 'nodePort':
      return `${before}${indent}{{- if has (toString ${hole.value}) (list "NodePort" "LoadBalancer") }}\n${indent}${key}: ${String(original)}\n${indent}{{- end }}\n${after}`;
    case 'optional': {
      // The key and its line break print only with a value; without one the next key takes the
      // line (after the list item's `- `, when the key opened one).
      const next = /^ */.exec(after)![0];
      return `${before}${indent}{{ with ${hole.value} }}${key}: {{ include "${chart}.scalar" . }}\n${next}{{ end }}${after.slice(next.length)}`;
    }
  }
}

/** The field at `path`, undefined where the path leads nowhere. */
export function fieldAt(object: unknown, path: FieldPath): unknown {
  let at: unknown = object;
  for (const key of path) at = (at as Record<string | number, unknown> | undefined)?.[key];
  return at;
}

/** Sets the field at `path`, adding a missing key where the object's keys are in order (as cdk8s writes them). */
function setField(object: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let parent: Record<string | number, unknown> = object;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) || last in parent) {
    parent[last] = value;
    return;
  }
  const entries = Object.entries(parent);
  const sorted = entries.every(([k], i) => i === 0 || entries[i - 1]![0] < k);
  for (const [k] of entries) delete parent[k];
  const all: [string, unknown][] = [...entries, [String(last), value]];
  if (sorted) all.sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of all) parent[k] = v;
}
