/**
 * A DNS-1123 label (RFC 1123: lowercase letters, digits and `-`, at most 63, alphanumeric at
 * both ends) derived from a compose name; `_` and `.` become `-`. With `letterFirst`, a name
 * starting with a digit gets a letter in front (DNS-1035, required of Service names).
 */
export function dnsLabel(name: string, letterFirst = false): string {
  let label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (letterFirst && !/^[a-z]/.test(label)) label = `s-${label}`;
  return label.slice(0, 63).replace(/-+$/, '') || 'x';
}

/** A DNS-1123 label joined from parts, e.g. `<project>-<volume>`. */
export function joinedLabel(...parts: string[]): string {
  return dnsLabel(parts.filter((p) => p !== '').join('-'));
}

/** Port names are IANA service names: at most 15 characters with at least one letter. */
export function portName(protocol: string, port: number): string {
  return `${protocol.toLowerCase()}-${port}`;
}
