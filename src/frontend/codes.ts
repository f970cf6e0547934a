/**
 * The stable diagnostic codes. Codes never change meaning once released; retired codes are
 * not reused. The README's diagnostics table is generated from the same list in the tests.
 */
export const Codes = {
  /** YAML syntax error. */
  yamlSyntax: 'TYC0101',
  /** The same key twice in one mapping. */
  duplicateKey: 'TYC0102',
  /** Alias expansion beyond the budget (a "billion laughs" document). */
  aliasBomb: 'TYC0103',
  /** A file that cannot be read. */
  unreadableFile: 'TYC0104',
  /** A file with no content. */
  emptyFile: 'TYC0105',
  /** No compose file given and none found. */
  noComposeFile: 'TYC0106',
  /** The document is not a mapping, or a key is not a string. */
  notAMapping: 'TYC0107',
  /** A YAML tag compose does not know. */
  unknownTag: 'TYC0108',
  /** A required variable (`${VAR:?err}`) is missing. */
  requiredVariable: 'TYC0201',
  /** Malformed interpolation. */
  interpolationSyntax: 'TYC0202',
  /** Malformed .env / env_file line. */
  dotenvSyntax: 'TYC0203',
  /** A variable is used but not set; it becomes the empty string. */
  unsetVariable: 'TYC0204',
  /** Unknown key (schema additionalProperties). */
  unknownKey: 'TYC0301',
  /** Value of the wrong type. */
  wrongType: 'TYC0302',
  /** Value outside what the schema allows (enum, pattern, range). */
  invalidValue: 'TYC0303',
  /** A required key is missing. */
  missingKey: 'TYC0304',
  /** `extends` names a service or file that does not exist. */
  extendsMissing: 'TYC0401',
  /** `extends` chains back on itself. */
  extendsCycle: 'TYC0402',
  /** `include` brings a resource that is already defined. */
  includeConflict: 'TYC0403',
  /** `include` brings in a file that is already being included. */
  includeCycle: 'TYC0404',
  /** `build:` without `image:`; an image name was derived. */
  derivedImage: 'TYC0501',
  /** A valid compose key that has no Kubernetes equivalent and is dropped. */
  droppedKey: 'TYC0502',
  /** A port specification that cannot be read. */
  invalidPort: 'TYC0503',
  /** A volume specification that cannot be read. */
  invalidVolume: 'TYC0504',
  /** A duration that cannot be read. */
  invalidDuration: 'TYC0505',
  /** A byte size that cannot be read. */
  invalidByteSize: 'TYC0506',
  /** A reference to an undefined volume, secret, config, network or service. */
  undefinedReference: 'TYC0507',
  /** No service has an image or build, or no services at all. */
  noServices: 'TYC0508',
  /** A `kompose.*` label whose setting the service's `x-tycho` block also gives; `x-tycho` wins. */
  overriddenLabel: 'TYC0509',
  /** Two compose names map onto the same Kubernetes name. */
  nameCollision: 'TYC0601',
  /** A compose value Kubernetes cannot hold (e.g. an invalid label key). */
  unrepresentable: 'TYC0602',
  /** The compose file asks for something the policy forbids. */
  policyViolation: 'TYC0701',
  /** The pod does not meet the Pod Security Standard the policy asks for (baseline, or restricted), because the compose file asks so. */
  beyondProfile: 'TYC0702',
  /** A ReadWriteOnce volume mounted by several services or replicas. */
  sharedVolume: 'TYC0703',
  /** A policy file that cannot be read or is invalid. */
  invalidPolicy: 'TYC0704',
  /** A setting that has no effect where it is (e.g. `expose` on a service without ports). */
  ineffectiveSetting: 'TYC0705',
  /** The pod meets the policy, but what it runs will likely not start so (an image that starts as root under runAsNonRoot). */
  mayNotStart: 'TYC0706',
  /** Settings of one service that cannot both hold (shards and `deploy.mode: global`, a fixed host port, other limits). */
  conflictingSettings: 'TYC0707',
  /** `x-tycho.shards.count: auto` compiled without a plan of the cluster to count from. */
  unplannedShards: 'TYC0708',
  /** An app registry (apps.yaml) that is not valid: unknown key, wrong type, value not allowed, missing key. */
  invalidRegistry: 'TYC0801',
  /** A context named in `extends`, `mixin`, TYCHOC_CONTEXT or a request that the registry does not define. */
  unknownContext: 'TYC0802',
  /** Contexts that extend or mix in each other in a cycle. */
  contextCycle: 'TYC0803',
  /** A compose source naming a repository the registry does not define. */
  unknownRepository: 'TYC0804',
  /** A registry or compose file that cannot be read or fetched, with no cached copy to fall back on. */
  unreadableSource: 'TYC0805',
  /** A fetch failed and a cached copy older than its repository's `cacheSeconds` was used instead. */
  staleSource: 'TYC0806',
  /** An app whose merged definition names no compose file. */
  noComposeSource: 'TYC0807',
  /** A topology file (`tychoc plan --topology`) that is not valid: unknown key, wrong type, value not allowed, missing key, a node listed twice. */
  invalidTopology: 'TYC0901',
  /** Shards that cannot be laid out on the topology's nodes: too large for any node, too many in total, or more than fit. */
  impossibleLayout: 'TYC0902',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];
