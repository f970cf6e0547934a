/** A port as the short syntax writes it: `[[IP:]PUBLISHED:]TARGET[/PROTOCOL]`; ports may be ranges. */
export interface PortSpec {
  readonly hostIp?: string;
  readonly published?: string;
  readonly target: string;
  readonly protocol: string;
}

const PORT = String.raw`\d+(?:-\d+)?`;
// The host IP is everything before the last two colon-separated parts, as docker splits it,
// so an unbracketed IPv6 address (`::1:8080:80`) reads like a bracketed one.
const SHORT = new RegExp(String.raw`^(?:(?:(\[[^\]]+\]|[^\[\]]*):)?(${PORT})?:)?(${PORT})(?:/(\w+))?$`);

/** Reads the short port syntax; undefined when the text is not a port specification. */
export function parsePortSpec(text: string): PortSpec | undefined {
  const m = SHORT.exec(text.trim());
  if (!m) return undefined;
  const [, ip, published, target, protocol] = m;
  return {
    hostIp: ip ? ip.replace(/^\[|\]$/g, '') : undefined,
    published: published || undefined,
    target: target!,
    protocol: (protocol ?? 'tcp').toLowerCase(),
  };
}

/** The ports a `N` or `N-M` range covers, or undefined when the range is malformed or too wide. */
export function expandRange(range: string, max = 1000): number[] | undefined {
  const [a, b = a] = range.split('-').map(Number);
  if (a === undefined || b === undefined || !Number.isInteger(a) || !Number.isInteger(b)) return undefined;
  if (a < 1 || b > 65535 || b < a || b - a >= max) return undefined;
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
