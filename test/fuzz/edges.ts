import fc from 'fast-check';

/**
 * Values that sit on the edges compose files and Kubernetes disagree about: ranges, syntaxes
 * with several spellings, names that are also JavaScript's, and text YAML reads twice.
 */
export const EDGES = {
  numbers: [0, -1, 1, 1.5, -0.5, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e308, -1e308, 0.0001, 1e-300],
  names: ['web', 'db', 'a', 'A', 'a_b', 'a.b', 'a-b', '-a', '_a', '1', '9db', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'default', 'x'.repeat(64), 'y'.repeat(300), 'ümlaut', 'a b', ''],
  ports: ['80', '0', '65535', '65536', '-1', '80:80', '8080:80/udp', '80/sctp', '1.2.3.4:80:80', '[::1]:80:80', '::1:80:80', '8080-8081:80-81', '80-79', '3000-3005', '127.0.0.1::80', '80:', ':80', '80/tcp/udp', 'abc', '99999999999', '30000:30000', '22:22'],
  volumes: ['/data', 'data:/data', './x:/y', './x:/y:ro', './x:/y:ro,z', '~/x:/y', '/etc:/etc:rw', 'C:\\x:/y', 'a:b:c:d', ':/x', 'x:', 'data:data', '..:/up', '.:/code', '/:/host', 'data:/data:nocopy', 'tmp:/tmp:ro:extra'],
  durations: ['30s', '1m30s', '1h2m3s4ms', '1.5s', '.5s', '5.s', '-1s', '0s', '0', '1e400s', '99999999999h', '2562047h', '10', '1d', 's', '', '1ms', '100000000h'],
  sizes: ['512m', '1g', '1.5g', '0', '-1', '1e30', '9999999999999999999t', '1 gb', '512mib', '1kb', '8e', 'abc', '1024', '0.5k', '9007199254740993'],
  interpolation: ['${A}', '${A:-x}', '${A-x}', '${A:?missing}', '${A?}', '${A:+y}', '$A', '$$', '$${A}', '${', '${A', '${A:-${B:-${C}}}', '${A:?${B}}', '$', '${}', '${1A}', '${A:-}', '$(cmd)', '${A:=x}'],
  odd: ['', ' ', 'yes', 'no', 'on', 'off', 'null', '~', 'true', '0440', '0o17', '1:20', '1e3', '.inf', '-.nan', '=B', 'A=B', 'a\u0000b', 'tab\there', 'line\nbreak', '#notcomment', '- item', '{a: 1}', '[1]', '*alias', '&anchor', '!tag', '%', '@', '`', '\u202e', '💥', 'é'.repeat(70)],
  restarts: ['no', 'always', 'on-failure', 'on-failure:3', 'on-failure:-1', 'on-failure:1.5', 'on-failure:99999999999', 'unless-stopped', 'none', 'bogus'],
  files: ['./s.txt', 's.txt', 'missing.txt', '/etc/hostname', '.', './', '../x', 'other.yaml', 'compose.yaml', '.env'],
  users: ['root', '0', '1000', '1000:1000', '0:0', 'nobody', '-1', '1000:abc', '99999999999', 'a:b:c'],
} as const;

export type EdgeKind = keyof typeof EDGES;

const strings = (kind: EdgeKind) => fc.constantFrom(...(EDGES[kind] as readonly (string | number)[]));

/** A short string of characters YAML and compose give meaning to. */
const syntaxString = fc.string({ unit: fc.constantFrom(...':-[]{}#&*!|>\'"%@`,?$\\ \t\n=/.~_aZ09'.split('')), maxLength: 12 });

/** A string that sometimes is long: names and values past Kubernetes' 63 and 253. */
const sizedString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 60, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom(64, 254, 1000, 70_000).map((n) => 'z'.repeat(n)) },
);

/** Any scalar a compose file may hold, weighted toward the edges. */
export const edgeScalar: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...(Object.keys(EDGES) as EdgeKind[])).chain(strings) },
  { weight: 2, arbitrary: syntaxString },
  { weight: 2, arbitrary: sizedString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: false })) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A scalar of one kind (a port for `ports`, a duration for `interval`), or sometimes any. */
export function scalarFor(kind: EdgeKind | undefined): fc.Arbitrary<string | number | boolean | null> {
  return kind ? fc.oneof({ weight: 4, arbitrary: strings(kind) }, { weight: 1, arbitrary: edgeScalar }) : edgeScalar;
}

/** Values of each kind a user would write, all of them valid. */
const PLAIN: Record<EdgeKind, readonly (string | number)[]> = {
  numbers: [0, 1, 2, 3],
  names: ['web', 'db', 'data', 'a_b', 'a-b'],
  ports: ['80', '8080:80', '8080:80/udp', '127.0.0.1:8080:80', '3000-3001:3000-3001', '9000'],
  volumes: ['/data', 'data:/data', './x:/y', './x:/y:ro', 'data:/data:nocopy'],
  durations: ['30s', '1m30s', '1.5s', '0s', '10ms'],
  sizes: ['512m', '1g', '1024', '1.5g'],
  interpolation: ['${A:-x}', '$$x'],
  odd: ['hello', 'a b', 'value'],
  restarts: ['no', 'always', 'on-failure', 'on-failure:3', 'unless-stopped'],
  files: ['./s.txt', 's.txt'],
  users: ['1000', '1000:1000', 'root', 'nobody'],
};

/** A valid scalar of one kind, or a plain word. */
export function plainScalarFor(kind: EdgeKind | undefined): fc.Arbitrary<string | number | boolean | null> {
  return fc.constantFrom(...PLAIN[kind ?? 'odd']);
}

/** The edge kind a compose key's value belongs to. */
export function kindOfKey(key: string | undefined): EdgeKind | undefined {
  if (key === undefined) return undefined;
  if (['ports', 'expose', 'published', 'target'].includes(key)) return 'ports';
  if (['volumes', 'tmpfs'].includes(key)) return 'volumes';
  if (['interval', 'timeout', 'start_period', 'start_interval', 'stop_grace_period', 'delay', 'window'].includes(key)) return 'durations';
  if (['mem_limit', 'memory', 'mem_reservation', 'shm_size', 'size', 'memswap_limit'].includes(key)) return 'sizes';
  if (['replicas', 'scale', 'retries', 'max_attempts', 'cpus', 'count', 'mode'].includes(key)) return 'numbers';
  if (key === 'restart' || key === 'condition') return 'restarts';
  if (key === 'user') return 'users';
  if (['file', 'env_file', 'path', 'context', 'dockerfile'].includes(key)) return 'files';
  if (['name', 'container_name', 'hostname', 'aliases', 'source', 'image'].includes(key)) return 'names';
  return undefined;
}
