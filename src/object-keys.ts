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
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function rename(value: unknown, fn: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rename(v, fn));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, fn(k), rename(v, fn));
  return out;
}
