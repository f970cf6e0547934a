/** How schema diagnostics name places and values, in the words of YAML (compose files, the policy, the registry). */

/** `services.web.ports[0]`, the way users write the location of a value. */
export function dottedPath(path: readonly string[]): string {
  return path.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** JSON Schema type names in the words of YAML. */
export const TYPE_WORDS: Record<string, string> = {
  array: 'a sequence', object: 'a mapping', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null',
};

/** A YAML value as a message names it: its kind, and a scalar's value. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a sequence';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
