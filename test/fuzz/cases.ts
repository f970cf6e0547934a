import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { PolicyOverrides } from '../../src/model/policy.js';
import { corpusDir, corpusFiles } from '../corpus-files.js';
import { EDGES } from './edges.js';
import { mutate, mutation, type Mutation } from './mutate.js';
import { composeDocument, rarely, type Style } from './schema-arbitrary.js';

/** One compile's input: the project's files (compose.yaml first), and the options a user could give. */
export interface FuzzCase {
  /** Where it came from: `generated`, or the corpus file it mutates. */
  readonly origin: string;
  readonly files: Readonly<Record<string, string>>;
  readonly policy?: PolicyOverrides;
  readonly projectName?: string;
}

const corpus = corpusFiles();
const texts = new Map<string, string>();
const corpusText = (file: string) => texts.get(file) ?? texts.set(file, readFileSync(file, 'utf8')).get(file)!;

/** A `.env` file: mostly plain variables, sometimes the ones compose reads or lines that are not variables at all. */
const dotenv = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('A=1', 'B=two words', 'TAG=1.0', 'PORT=8080', 'COMPOSE_PROJECT_NAME=shop', '# comment', '') },
    fc.tuple(fc.constantFrom('COMPOSE_FILE', 'COMPOSE_PROJECT_NAME', 'COMPOSE_PROFILES', 'COMPOSE_PATH_SEPARATOR', 'A', 'B', 'TAG', 'PORT'), fc.oneof(fc.constantFrom(':', '', 'compose.yaml', 'missing.yaml', 'compose.yaml:other.yaml', '!!!', 'x'.repeat(70), '8080', '${A}', '"unterminated', "'q'"), fc.string({ maxLength: 10 }))).map(([k, v]) => `${k}=${v}`),
    fc.constantFrom('export A=1', '# comment', 'NOEQUALS', '=value', ' A = spaced ', 'A="multi\nline"', 'ÄPFEL=1', 'A=${B:?no B}', ''),
  ),
  { maxLength: 5 },
).map((lines) => lines.join('\n'));

const policy: fc.Arbitrary<PolicyOverrides | undefined> = rarely(
  fc.record(
    {
      security: fc.record({ profile: fc.constantFrom('baseline', 'restricted'), allowPrivileged: fc.boolean(), allowHostNamespaces: fc.boolean(), allowedCapabilities: fc.subarray(['SYS_ADMIN', 'NET_ADMIN', 'ALL', 'SYS_PTRACE']) }, { requiredKeys: [] }),
      volumes: fc.record({ binds: fc.constantFrom('files', 'claim', 'hostPath', 'emptyDir', 'reject'), allowedHostRoots: fc.constantFrom(['.'], ['.', '/']) }, { requiredKeys: [] }),
      networks: fc.record({ policies: fc.boolean() }),
      proxy: fc.record({ output: fc.constantFrom('ambassador', 'ingress', 'httproute') }),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<PolicyOverrides>,
  3,
);

const extras = fc.record(
  {
    '.env': dotenv,
    'other.yaml': composeDocument('plain').map((d) => stringify(d)),
    's.txt': fc.oneof({ weight: 20, arbitrary: fc.constantFrom('secret', '', 'two\nlines\n') }, { weight: 1, arbitrary: fc.constant('x'.repeat(2_000_000)) }),
  },
  { requiredKeys: ['s.txt'] },
);

/** A document from the schema, one in four mutated. */
const generated = (style: Style) => fc.tuple(composeDocument(style), fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) })).map(([doc, ms]) => ({ origin: `generated (${style})`, text: mutate(stringify(doc), ms) }));

/** A corpus file with a few mutations. */
const mutated = corpus.length === 0
  ? generated('edgy')
  : fc.tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([file, ms]: [string, Mutation[]]) => ({ origin: relative(corpusDir, file), text: mutate(corpusText(file), ms) }));

/** The origin of large inputs, which are timed alone. */
export const LARGE = 'generated (large)';

/** A large input (1 to 3 MB) made of many copies of one service, for the cost per megabyte. */
const large = fc.tuple(composeDocument('plain'), fc.integer({ min: 1_000_000, max: 3_000_000 })).map(([doc, bytes]) => ({ origin: LARGE, text: mutate(stringify(doc), [{ op: 'grow', bytes }]) }));

/** Any case: mostly corpus mutations and generated documents, one in two thousand a large one. */
export function fuzzCase(opts: { large?: boolean } = {}): fc.Arbitrary<FuzzCase> {
  const source = fc.oneof(
    { weight: 1000, arbitrary: mutated },
    { weight: 500, arbitrary: generated('edgy') },
    { weight: 500, arbitrary: generated('plain') },
    ...(opts.large ? [{ weight: 1, arbitrary: large }] : []),
  );
  return fc.tuple(source, extras, policy, rarely(fc.constantFrom(...EDGES.names.filter((n) => n !== '')), 10)).map(([s, more, p, projectName]) => ({
    origin: s.origin,
    files: { 'compose.yaml': s.text, ...more },
    ...(p ? { policy: p } : {}),
    ...(projectName ? { projectName } : {}),
  }));
}
