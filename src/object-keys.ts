/**
 * Names every object answers through its prototype (`constructor`, `toString`, `__proto__`, …).
 * As keys of user data (labels, config names, `x-` blocks) they break code that reads an object's
 * own methods: cdk8s's serializer, the schema validator's deep equality, assignment to
 * `__proto__`. Such keys travel escaped (a private-use character in front) through that code.
 */
const INHERITED = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);
const MARK = '\uE000';

export const escapeKey = (key: string): string => (INHERITED.has(key) || key.startsWith(MARK) ? MARK + key : key);
export const unescapeKey = (key: string): string => (key.startsWith(MARK) ? key.slice(1) : key);

/** A copy of plain data (objects, arrays) with every key escaped; class instances are kept as they are. */
export function escapeKeys<T>(value: T): T {
  return rename(value, escapeKey) as T;
}

/** The inverse of escapeKeys. */
export function unescapeKeys<T>(value: T): T {
  return rename(value, unescapeKey) as T;
}

/** Sets an own property, even one named `__proto__`, which plain assignment would not. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The value with fn applied to every key; parts where no key changes are shared, not copied. */
function rename(value: unknown, fn: (key: string) => string): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = rename(v, fn);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value);
  const renamed = entries.map(([k, v]) => [fn(k), rename(v, fn)] as const);
  if (renamed.every(([k, v], i) => k === entries[i]![0] && v === entries[i]![1])) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of renamed) setOwn(out, k, v);
  return out;
}
