import { createHash } from 'node:crypto';

/**
 * A DNS-1123 label (RFC 1123: lowercase letters, digits and `-`, at most 63, alphanumeric at
 * both ends) derived from a compose name; `_` and `.` become `-`. With `letterFirst`, a name
 * starting with a digit gets a letter in front (DNS-1035, required of Service names). A longer
 * name is cut and ends in a digest of the whole, so that two long names stay two names.
 */
export function dnsLabel(name: string, letterFirst = false): string {
  let label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (letterFirst && !/^[a-z]/.test(label)) label = `s-${label}`;
  if (label.length > 63) label = `${label.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  return label || 'x';
}

/** A DNS-1123 label joined from parts, e.g. `<project>-<volume>`. */
export function joinedLabel(...parts: string[]): string {
  return dnsLabel(parts.filter((p) => p !== '').join('-'));
}

/** Port names are IANA service names: at most 15 characters with at least one letter. */
export function portName(protocol: string, port: number): string {
  return `${protocol.toLowerCase()}-${port}`;
}

/**
 * A ConfigMap or Secret key for a file name: its characters where allowed (`[-._a-zA-Z0-9]`),
 * `_` for others; a name past 253 characters is cut and ends in a digest of the whole.
 */
export function dataKey(name: string): string {
  const key = name.replace(/[^-._a-zA-Z0-9]/g, '_').replace(/^\.{1,2}$/, '_') || 'file';
  return key.length > 253 ? `${key.slice(0, 244)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}` : key;
}
