import { describe, expect, it } from 'vitest';
import { mergeService, mergeTrees } from '../../src/frontend/merge.js';
import { parseCompose } from '../../src/frontend/parse.js';
import { nodeAt, toPlain, type PMap } from '../../src/frontend/tree.js';

function parse(text: string, file = 'compose.yaml'): PMap {
  const { root, diagnostics } = parseCompose(text, file);
  expect(diagnostics).toEqual([]);
  return root!;
}

/** A compose file with one service `foo` whose body is `body` (YAML, unindented). */
function service(body: string): string {
  const indented = body
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `services:\n  foo:\n${indented}\n`;
}

function merge(base: string, override: string): unknown {
  return toPlain(mergeTrees(parse(base, 'base.yaml'), parse(override, 'override.yaml')));
}

/** `foo` after merging two service bodies. */
function mergeFoo(base: string, override: string): unknown {
  return (merge(service(base), service(override)) as { services: { foo: unknown } }).services.foo;
}

type Row = [name: string, base: string, override: string, expected: unknown];

/** The examples of the compose specification's 13-merge.md, one per rule. */
describe('mergeTrees: the compose specification (13-merge.md)', () => {
  it('Mapping: a mapping gets missing entries added and conflicting ones merged', () => {
    expect(merge('services:\n  foo:\n    key1: value1\n    key2: value2\n', 'services:\n  foo:\n    key2: VALUE\n    key3: value3\n')).toEqual({
      services: { foo: { key1: 'value1', key2: 'VALUE', key3: 'value3' } },
    });
  });

  it('Sequence: the overriding values are appended', () => {
    expect(merge('services:\n  foo:\n    DNS:\n      - 1.1.1.1\n', 'services:\n  foo:\n    DNS: \n      - 8.8.8.8\n')).toEqual({
      services: { foo: { DNS: ['1.1.1.1', '8.8.8.8'] } },
    });
  });

  it('Shell commands: command is overridden by the latest file, not appended', () => {
    expect(merge('services:\n  foo:\n    command: ["echo", "foo"]\n', 'services:\n  foo:\n    command: ["echo", "bar"]\n')).toEqual({
      services: { foo: { command: ['echo', 'bar'] } },
    });
  });

  it('Unique resources: volumes sharing a target are merged', () => {
    expect(merge('services:\n  foo:\n    volumes:\n      - foo:/work\n', 'services:\n  foo:\n    volumes:\n      - bar:/work\n')).toEqual({
      services: { foo: { volumes: ['bar:/work'] } },
    });
  });

  it('Reset value: `!reset` removes the value (an emptied environment stays an empty mapping)', () => {
    const base = 'services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n    environment:\n      FOO: BAR\n';
    const override = 'services:\n  app:\n    image: myapp\n    ports: !reset []\n    environment:\n      FOO: !reset null\n';
    expect(merge(base, override)).toEqual({ services: { app: { image: 'myapp', environment: {} } } });
  });

  it('Replace value: `!override` replaces the attribute, bypassing the merge rules', () => {
    const base = 'services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n';
    expect(merge(base, 'services:\n  app:\n    ports: !override\n      - "8443:443"\n')).toEqual({
      services: { app: { image: 'myapp', ports: ['8443:443'] } },
    });
    // "If `!override` had not been used, both 8080:80 and 8443:443 would be exposed."
    expect(merge(base, 'services:\n  app:\n    ports:\n      - "8443:443"\n')).toEqual({
      services: { app: { image: 'myapp', ports: ['8080:80', '8443:443'] } },
    });
  });
});

describe('mergeTrees: mappings and scalars', () => {
  it.each<Row>([
    ['a later scalar wins', 'image: a\nscale: 1', 'image: b\nscale: 2', { image: 'b', scale: 2 }], // compose-go Test_mergeOverrides
    ['nested mappings merge recursively', 'deploy: {resources: {limits: {cpus: "1", memory: 1g}}}', 'deploy: {resources: {limits: {memory: 2g}}}', { deploy: { resources: { limits: { cpus: '1', memory: '2g' } } } }],
    ['a mapping replaces a scalar', 'x-a: 1', 'x-a: {b: 1}', { 'x-a': { b: 1 } }],
    ['a scalar replaces a mapping', 'x-a: {b: 1}', 'x-a: 1', { 'x-a': 1 }],
    ['a sequence replaces a scalar', 'x-a: 1', 'x-a: [1]', { 'x-a': [1] }],
    ['null replaces a value', 'x-a: 1', 'x-a: null', { 'x-a': null }],
    ['healthcheck attributes merge', 'healthcheck: {interval: 10s, retries: 3}', 'healthcheck: {interval: 5s}', { healthcheck: { interval: '5s', retries: 3 } }],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });

  it('merges top-level sections by name and keeps both sides', () => {
    const base = 'name: a\nservices:\n  a: {image: x}\nvolumes:\n  v: {}\nnetworks:\n  n: {driver: bridge}\nx-list: [1]\n';
    const override = 'name: b\nservices:\n  b: {image: y}\nvolumes:\n  w: {driver: local}\nnetworks:\n  n: {internal: true}\nx-list: [2]\n';
    expect(merge(base, override)).toEqual({
      name: 'b',
      services: { a: { image: 'x' }, b: { image: 'y' } },
      volumes: { v: {}, w: { driver: 'local' } },
      networks: { n: { driver: 'bridge', internal: true } },
      'x-list': [1, 2],
    });
  });

  it('keeps key order: the base first, then keys new in the override', () => {
    const merged = mergeFoo('image: a\nuser: root', 'hostname: h\nimage: b') as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['image', 'user', 'hostname']);
  });

  it("keeps the base's key position and takes the override's value position", () => {
    const merged = mergeTrees(parse(service('image: a'), 'base.yaml'), parse(service('user: x\nimage: b'), 'override.yaml'));
    const found = nodeAt(merged, ['services', 'foo', 'image'])!;
    expect(found.keyPos).toEqual({ file: 'base.yaml', line: 3, col: 5 });
    expect(found.node.pos).toEqual({ file: 'override.yaml', line: 4, col: 12 });
    expect(nodeAt(merged, ['services', 'foo', 'user'])!.keyPos).toEqual({ file: 'override.yaml', line: 3, col: 5 });
  });
});

describe('mergeTrees: sequences append', () => {
  it.each<Row>([
    ['dns', 'dns: [1.1.1.1]', 'dns: [8.8.8.8]', { dns: ['1.1.1.1', '8.8.8.8'] }],
    ['an equal item is not repeated', 'dns: [1.1.1.1, 8.8.8.8]', 'dns: [8.8.8.8]', { dns: ['1.1.1.1', '8.8.8.8'] }],
    ['cap_add', 'cap_add: [NET_ADMIN, SYS_TIME]', 'cap_add: [SYS_TIME, CHOWN]', { cap_add: ['NET_ADMIN', 'SYS_TIME', 'CHOWN'] }],
    ['profiles', 'profiles: [a]', 'profiles: [b, a]', { profiles: ['a', 'b'] }],
    ['expose', 'expose: ["3000"]', 'expose: ["8000"]', { expose: ['3000', '8000'] }],
    ['volumes_from', 'volumes_from: [a]', 'volumes_from: [b]', { volumes_from: ['a', 'b'] }],
    // compose-go Test_mergeYamlDNSSequence.
    [
      'dns, dns_opt and dns_search',
      'dns: [8.8.8.8]\ndns_opt: [use-vc]\ndns_search: [dc1.example.com]',
      'dns: [9.9.9.9]\ndns_opt: [no-tld-query]\ndns_search: [dc2.example.com]',
      { dns: ['8.8.8.8', '9.9.9.9'], dns_opt: ['use-vc', 'no-tld-query'], dns_search: ['dc1.example.com', 'dc2.example.com'] },
    ],
    // compose-go Test_mergeYamlServiceNetworkSequence (compose-go answers in mapping form).
    ['networks as lists', 'networks: [front-network, back-network]', 'networks: [front-network]', { networks: ['front-network', 'back-network'] }],
    ['depends_on as lists', 'depends_on: [a]', 'depends_on: [b]', { depends_on: ['a', 'b'] }],
    ['extension sequences', 'x-tags: [a]', 'x-tags: [b]', { 'x-tags': ['a', 'b'] }],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });
});

describe('mergeTrees: shell commands are replaced', () => {
  it.each<Row>([
    ['command list by list', 'command: [echo, foo]', 'command: [echo, bar]', { command: ['echo', 'bar'] }],
    ['command string by list', 'command: echo foo', 'command: [echo, bar]', { command: ['echo', 'bar'] }],
    ['command list by string', 'command: [echo, foo]', 'command: echo bar', { command: 'echo bar' }],
    ['command by a shorter list', 'command: [a, b, c]', 'command: [a]', { command: ['a'] }],
    ['entrypoint', 'entrypoint: [/docker-entrypoint.sh, --verbose]', 'entrypoint: [/bin/sh]', { entrypoint: ['/bin/sh'] }],
    ['entrypoint by a string', 'entrypoint: [a]', 'entrypoint: "b c"', { entrypoint: 'b c' }],
    ['healthcheck.test (the other healthcheck keys merge)', 'healthcheck: {test: [CMD, a], interval: 10s}', 'healthcheck: {test: [CMD, b]}', { healthcheck: { test: ['CMD', 'b'], interval: '10s' } }],
    ['healthcheck.test string by list', 'healthcheck: {test: curl -f http://x}', 'healthcheck: {test: [CMD-SHELL, "true"]}', { healthcheck: { test: ['CMD-SHELL', 'true'] } }],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });

  it('only for service attributes: elsewhere a `command` sequence appends', () => {
    expect(merge('x-a:\n  command: [a]\n', 'x-a:\n  command: [b]\n')).toEqual({ 'x-a': { command: ['a', 'b'] } });
  });
});

describe('mergeTrees: unique resources (ports, volumes, secrets, configs)', () => {
  it.each<Row>([
    // ports: unique by {ip, target, published, protocol}.
    ['ports: distinct ports append', 'ports: ["8080:80"]', 'ports: ["8443:443"]', { ports: ['8080:80', '8443:443'] }],
    ['ports: the same port once', 'ports: ["8080:80"]', 'ports: ["8080:80"]', { ports: ['8080:80'] }],
    ['ports: another host IP is another port', 'ports: ["8080:80"]', 'ports: ["127.0.0.1:8080:80"]', { ports: ['8080:80', '127.0.0.1:8080:80'] }],
    ['ports: another protocol is another port', 'ports: ["80"]', 'ports: ["80/udp"]', { ports: ['80', '80/udp'] }],
    ['ports: another published port is another port', 'ports: ["8080:80"]', 'ports: ["9090:80"]', { ports: ['8080:80', '9090:80'] }],
    ['ports: tcp is the default protocol', 'ports: ["8080:80"]', 'ports: ["8080:80/tcp"]', { ports: ['8080:80/tcp'] }],
    ['ports: the long syntax replaces an equal short one in place', 'ports: ["8080:80", "9000"]', 'ports: [{target: 80, published: "8080"}]', { ports: [{ target: 80, published: '8080' }, '9000'] }],
    ['ports: the short syntax replaces an equal long one', 'ports: [{target: 80, published: 8080, protocol: tcp}]', 'ports: ["8080:80"]', { ports: ['8080:80'] }],
    ['ports: long syntax with a host IP', 'ports: [{target: 80, host_ip: 127.0.0.1, published: "8080"}]', 'ports: ["127.0.0.1:8080:80"]', { ports: ['127.0.0.1:8080:80'] }],
    // volumes: unique by target.
    ['volumes: another source for the same target', 'volumes: [foo:/work]', 'volumes: [bar:/work]', { volumes: ['bar:/work'] }],
    ['volumes: a new mode for the same target', 'volumes: [foo:/work]', 'volumes: ["foo:/work:ro"]', { volumes: ['foo:/work:ro'] }],
    ['volumes: the same volume once', 'volumes: [./src:/src]', 'volumes: [./src:/src]', { volumes: ['./src:/src'] }], // compose-go TestOverrideVolume
    [
      'volumes: distinct targets append', // compose-go TestMergeVolumes
      'volumes:\n  - a:/a\n  - type: bind\n    source: ./b\n    target: /b',
      'volumes:\n  - c:/c',
      { volumes: ['a:/a', { type: 'bind', source: './b', target: '/b' }, 'c:/c'] },
    ],
    ['volumes: the long syntax replaces a short one in place', 'volumes: [foo:/work, /a:/b]', 'volumes: [{type: bind, source: /c, target: /work}]', { volumes: [{ type: 'bind', source: '/c', target: '/work' }, '/a:/b'] }],
    ['volumes: an anonymous volume is its target', 'volumes: [/data]', 'volumes: [named:/data]', { volumes: ['named:/data'] }],
    // secrets: unique by target, /run/secrets/<source> by default.
    ['secrets: the default target', 'secrets: [a]', 'secrets: [{source: b, target: /run/secrets/a}]', { secrets: [{ source: 'b', target: '/run/secrets/a' }] }],
    ['secrets: the same secret once', 'secrets: [a, b]', 'secrets: [a]', { secrets: ['a', 'b'] }],
    ['secrets: long syntax without target', 'secrets: [a]', 'secrets: [{source: a, mode: "0400"}]', { secrets: [{ source: 'a', mode: '0400' }] }],
    ['secrets: a relative target is its own key (as compose-go)', 'secrets: [a]', 'secrets: [{source: b, target: a}]', { secrets: ['a', { source: 'b', target: 'a' }] }],
    // configs: unique by target, /<source> by default.
    ['configs: the default target', 'configs: [a]', 'configs: [{source: b, target: /a}]', { configs: [{ source: 'b', target: '/a' }] }],
    ['configs: distinct targets append', 'configs: [a]', 'configs: [{source: a, target: /etc/a}]', { configs: ['a', { source: 'a', target: '/etc/a' }] }],
    // devices: unique by container path (compose-go Test_mergeYamlDevicesOverride).
    [
      'devices',
      'devices: ["/dev/sda:/dev/sda", "/dev/sdb:/dev/sdb", "/dev/sdc:/dev/sdc", "/dev/sdd:/dev/sdd"]',
      'devices: ["/dev/nvme0n1p1:/dev/sda", "/dev/nvme1n1p1:/dev/sdb", "/dev/nvme2n1p1:/dev/sdc"]',
      { devices: ['/dev/nvme0n1p1:/dev/sda', '/dev/nvme1n1p1:/dev/sdb', '/dev/nvme2n1p1:/dev/sdc', '/dev/sdd:/dev/sdd'] },
    ],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });
});

describe('mergeTrees: list-or-dict attributes merge by name', () => {
  it.each<Row>([
    // compose-go merge_environment_test.go (compose-go answers with a list; the entries are the same).
    ['environment: list + list', 'environment: [FOO=BAR]', 'environment: [QIX=ZOT, EMPTY=, NIL]', { environment: { FOO: 'BAR', QIX: 'ZOT', EMPTY: '', NIL: null } }],
    ['environment: mapping + mapping', 'environment: {FOO: BAR}', 'environment: {EMPTY: "", NIL: null, QIX: ZOT}', { environment: { FOO: 'BAR', EMPTY: '', NIL: null, QIX: 'ZOT' } }],
    ['environment: mapping + list', 'environment: {FOO: BAR}', 'environment: [QIX=ZOT]', { environment: { FOO: 'BAR', QIX: 'ZOT' } }],
    ['environment: a later value wins', 'environment: {FOO: 1}', 'environment: {FOO: 3}', { environment: { FOO: 3 } }],
    ['environment: list + mapping, by name', 'environment: [A=1, B=2]', 'environment: {B: "3", C: "4"}', { environment: { A: '1', B: '3', C: '4' } }],
    ['environment: a bare name overrides a value', 'environment: {A: "1"}', 'environment: [A]', { environment: { A: null } }],
    ['environment: only the first = splits', 'environment: [A=x=y]', 'environment: [B==]', { environment: { A: 'x=y', B: '=' } }],
    // compose-go merge_labels_test.go.
    ['labels: list + list', 'labels: [FOO=BAR]', 'labels: [QIX=ZOT, EMPTY=, NIL]', { labels: { FOO: 'BAR', QIX: 'ZOT', EMPTY: '', NIL: null } }],
    ['labels: mapping + list', 'labels: {FOO: BAR}', 'labels: [QIX=ZOT]', { labels: { FOO: 'BAR', QIX: 'ZOT' } }],
    ['labels: a later value wins', 'labels: {FOO: 1}', 'labels: {FOO: 3}', { labels: { FOO: 3 } }],
    ['deploy.labels: list + list', 'deploy: {labels: [FOO=BAR]}', 'deploy: {labels: [QIX=ZOT, EMPTY=, NIL]}', { deploy: { labels: { FOO: 'BAR', QIX: 'ZOT', EMPTY: '', NIL: null } } }],
    ['deploy.labels: mapping + list', 'deploy: {labels: {FOO: BAR}}', 'deploy: {labels: [QIX=ZOT]}', { deploy: { labels: { FOO: 'BAR', QIX: 'ZOT' } } }],
    // compose-go merge_sysctls_test.go and merge_annotations_test.go.
    ['sysctls: list + list', 'sysctls: [net.ipv6.conf.all.disable_ipv6=1]', 'sysctls: [net.ipv4.tcp_keepalive_time=300]', { sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv4.tcp_keepalive_time': '300' } }],
    ['sysctls: mapping + list', 'sysctls: {net.ipv6.conf.all.disable_ipv6: 1}', 'sysctls: [net.ipv4.tcp_keepalive_time=300]', { sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv4.tcp_keepalive_time': '300' } }],
    ['annotations: list + mapping', 'annotations: [a=1]', 'annotations: {b: "2"}', { annotations: { a: '1', b: '2' } }],
    // compose-go merge_build_test.go.
    ['build.args: mapping + list', 'build: {context: ., args: {FOO: BAR}}', 'build: {args: [QIX=ZOT]}', { build: { context: '.', args: { FOO: 'BAR', QIX: 'ZOT' } } }],
    ['build.args: list + list', 'build: {context: ., args: [FOO=BAR]}', 'build: {context: ., args: [GIT_COMMIT=cdc3b19, EMPTY=, NIL]}', { build: { context: '.', args: { FOO: 'BAR', GIT_COMMIT: 'cdc3b19', EMPTY: '', NIL: null } } }],
    ['build.args: a later value wins', 'build: {args: {FOO: 1}}', 'build: {args: {FOO: 3}}', { build: { args: { FOO: 3 } } }],
    ['build.labels: list + mapping', 'build: {labels: [a=1]}', 'build: {labels: {b: "2"}}', { build: { labels: { a: '1', b: '2' } } }],
    [
      'build.additional_contexts: list + mapping',
      'build: {additional_contexts: [resources=/path/to/resources, app=docker-image://my-app:latest]}',
      'build: {additional_contexts: {app: "docker-image://new-app:latest", source: "https://github.com/myuser/project.git"}}',
      { build: { additional_contexts: { resources: '/path/to/resources', app: 'docker-image://new-app:latest', source: 'https://github.com/myuser/project.git' } } },
    ],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });

  it('labels of top-level networks and volumes merge by name', () => {
    expect(merge('networks:\n  n:\n    labels: [a=1]\nvolumes:\n  v:\n    labels: {a: "1"}\n', 'networks:\n  n:\n    labels: {b: "2"}\nvolumes:\n  v:\n    labels: [b=2]\n')).toEqual({
      networks: { n: { labels: { a: '1', b: '2' } } },
      volumes: { v: { labels: { a: '1', b: '2' } } },
    });
  });
});

describe('mergeTrees: attributes with a short and a long form', () => {
  it.each<Row>([
    // `build: ./dir` is `build: {context: ./dir}` (compose-go TestOverrideBuildContext, mergeBuild).
    ['build: a string, then a context', 'build: .', 'build: {context: src}', { build: { context: 'src' } }],
    ['build: a string, then other keys', 'build: .', 'build: {dockerfile: Dockerfile.dev}', { build: { context: '.', dockerfile: 'Dockerfile.dev' } }],
    ['build: a mapping, then a string', 'build: {context: ., target: dev}', 'build: ./other', { build: { context: './other', target: 'dev' } }],
    ['build: a string, then a string', 'build: .', 'build: ./other', { build: './other' }],
    ['build: mappings merge', 'build: {context: ., args: {A: "1"}}', 'build: {args: {B: "2"}}', { build: { context: '.', args: { A: '1', B: '2' } } }],
    // depends_on: a list of names or a mapping (compose-go TestOverrideDepends_on, mergeDependsOn).
    ['depends_on: a list, then a mapping', 'depends_on: [foo]', 'depends_on: {foo: {condition: service_healthy, required: false}}', { depends_on: { foo: { condition: 'service_healthy', required: false } } }],
    [
      'depends_on: a mapping, then a list',
      'depends_on: {db: {condition: service_healthy}}',
      'depends_on: [cache]',
      { depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started', required: true } } },
    ],
    ['depends_on: mappings merge', 'depends_on: {db: {condition: service_healthy}}', 'depends_on: {db: {required: false}}', { depends_on: { db: { condition: 'service_healthy', required: false } } }],
    // networks: a list of names or a mapping (compose-go TestOverrideNetworks, mergeNetworks).
    ['networks: a list, then a mapping', 'networks: [test_network]', 'networks: {test_network: {aliases: [alias1, alias2]}}', { networks: { test_network: { aliases: ['alias1', 'alias2'] } } }],
    ['networks: a mapping, then a list', 'networks: {front: {aliases: [web]}}', 'networks: [back]', { networks: { front: { aliases: ['web'] }, back: null } }],
    [
      'networks: mappings merge, aliases append', // compose-go Test_mergeYamlServiceNetworksMapping
      'networks:\n  network1:\n    aliases: [alias1, alias2]\n    link_local_ips: [57.123.22.11, 57.123.22.13]\n  network2:\n    aliases: [alias1, alias3]',
      'networks:\n  network1:\n    aliases: [alias3, alias1]\n    link_local_ips: [57.123.22.12, 57.123.22.13]',
      {
        networks: {
          network1: { aliases: ['alias1', 'alias2', 'alias3'], link_local_ips: ['57.123.22.11', '57.123.22.13', '57.123.22.12'] },
          network2: { aliases: ['alias1', 'alias3'] },
        },
      },
    ],
    // String-or-list attributes: a lone string is a list of one (compose-go merge_dns/tmpfs/env_file tests).
    [
      'dns and dns_search: a list, then a string', // compose-go Test_mergeYamlDNSMixed
      'dns: [8.8.8.8, 10.10.10.10, 9.9.9.9]\ndns_search: [dc1.example.com, dc2.example.com]',
      'dns: 9.9.9.9\ndns_search: dc2.example.com',
      { dns: ['8.8.8.8', '10.10.10.10', '9.9.9.9'], dns_search: ['dc1.example.com', 'dc2.example.com'] },
    ],
    ['dns: a string, then a string', 'dns: 8.8.8.8', 'dns: 9.9.9.9', { dns: ['8.8.8.8', '9.9.9.9'] }],
    ['tmpfs: a list, then a list', 'tmpfs: [/foo]', 'tmpfs: [/bar, /baz, /foo]', { tmpfs: ['/foo', '/bar', '/baz'] }], // TestMergeTmpfsSequence
    ['tmpfs: a string, then a string', 'tmpfs: /foo', 'tmpfs: /bar', { tmpfs: ['/foo', '/bar'] }], // TestMergeTmpfsString
    ['tmpfs: a string, then a list', 'tmpfs: /foo', 'tmpfs: [/bar, /foo]', { tmpfs: ['/foo', '/bar'] }], // TestMergeTmpfsMixed
    ['tmpfs: a list, then a string', 'tmpfs: [/bar, /foo]', 'tmpfs: /foo', { tmpfs: ['/bar', '/foo'] }],
    ['env_file: lists append', 'env_file: [foo.env]', 'env_file: [bar.env, baz.env]', { env_file: ['foo.env', 'bar.env', 'baz.env'] }], // TestMergeEnvFilesSequence
    ['env_file: a string, then a string', 'env_file: foo.env', 'env_file: bar.env', { env_file: ['foo.env', 'bar.env'] }], // TestMergeEnvFilesString
    ['env_file: a string, then a list', 'env_file: foo.env', 'env_file: [bar.env, foo.env]', { env_file: ['foo.env', 'bar.env'] }], // TestMergeEnvFilesMixed
    ['env_file: a list, then a string', 'env_file: [bar.env, foo.env]', 'env_file: foo.env', { env_file: ['bar.env', 'foo.env'] }],
    [
      'env_file: unique by path, string or mapping',
      'env_file: [bar.env, foo.env]',
      'env_file: [{path: foo.env, required: true}]',
      { env_file: ['bar.env', { path: 'foo.env', required: true }] },
    ],
    // extra_hosts: a list of host=ip, or a mapping (compose-go merge_extra_hosts_test.go).
    [
      'extra_hosts: lists append without repeats',
      'extra_hosts: [example.com=1.2.3.4]',
      'extra_hosts: [localhost=127.0.0.1, example.com=1.2.3.4, example.com=4.3.2.1]',
      { extra_hosts: ['example.com=1.2.3.4', 'localhost=127.0.0.1', 'example.com=4.3.2.1'] },
    ],
    [
      'extra_hosts: a mapping, then a list',
      'extra_hosts: {example.com: 1.2.3.4}',
      'extra_hosts: [localhost=127.0.0.1, example.com=1.2.3.4, example.com=4.3.2.1]',
      { extra_hosts: ['example.com=1.2.3.4', 'localhost=127.0.0.1', 'example.com=4.3.2.1'] },
    ],
    [
      'extra_hosts: mappings, one host with two addresses',
      'extra_hosts: {example.com: 1.2.3.4}',
      'extra_hosts: {localhost: 127.0.0.1, example.com: [1.2.3.4, 4.3.2.1]}',
      { extra_hosts: ['example.com=1.2.3.4', 'localhost=127.0.0.1', 'example.com=4.3.2.1'] },
    ],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });
});

describe('mergeTrees: !reset', () => {
  it.each<Row>([
    ['a scalar', 'image: a\nuser: root', 'image: !reset null', { user: 'root' }],
    ['a sequence', 'image: a\nports: ["80:80"]', 'ports: !reset []', { image: 'a' }],
    ['a mapping', 'image: a\nbuild: {context: .}', 'build: !reset', { image: 'a' }], // compose-go Test_LoadWithReset
    ['one variable', 'environment: {FOO: BAR, KEEP: "1"}', 'environment:\n  FOO: !reset', { environment: { KEEP: '1' } }],
    ['one variable of a list', 'environment: [FOO=BAR, KEEP=1]', 'environment:\n  FOO: !reset null', { environment: { KEEP: '1' } }],
    ['healthcheck.test', 'healthcheck: {test: [CMD, a], retries: 3}', 'healthcheck: {test: !reset []}', { healthcheck: { retries: 3 } }],
    ['a key the base does not have', 'image: a', 'command: !reset null', { image: 'a' }],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });

  it('a whole service', () => {
    expect(merge('services:\n  a: {image: x}\n  b: {image: y}\n', 'services:\n  a: !reset {}\n')).toEqual({ services: { b: { image: 'y' } } });
  });
});

describe('mergeTrees: !override', () => {
  it.each<Row>([
    ['ports', 'ports: ["8080:80"]', 'ports: !override ["8443:443"]', { ports: ['8443:443'] }],
    ['environment', 'environment: {A: "1"}', 'environment: !override {B: "2"}', { environment: { B: '2' } }],
    ['environment as a list', 'environment: [A=1]', 'environment: !override [B=2]', { environment: ['B=2'] }],
    ['depends_on', 'depends_on: [a, b]', 'depends_on: !override [c]', { depends_on: ['c'] }],
    ['a mapping is not merged', 'deploy: {replicas: 2, resources: {limits: {cpus: "1"}}}', 'deploy: !override {replicas: 3}', { deploy: { replicas: 3 } }],
    ['a key the base does not have', 'image: a', 'volumes: !override [/a:/b]', { image: 'a', volumes: ['/a:/b'] }],
  ])('%s', (_name, base, override, expected) => {
    expect(mergeFoo(base, override)).toEqual(expected);
  });

  it('a whole service', () => {
    expect(merge('services:\n  a: {image: x, command: [a]}\n', 'services:\n  a: !override {image: y}\n')).toEqual({ services: { a: { image: 'y' } } });
  });

  it('the merged value no longer carries the tag', () => {
    const merged = mergeTrees(parse(service('ports: ["80"]')), parse(service('ports: !override ["81"]\nvolumes: !override [/a:/b]')));
    expect(nodeAt(merged, ['services', 'foo', 'ports'])!.node.tag).toBeUndefined();
    expect(nodeAt(merged, ['services', 'foo', 'volumes'])!.node.tag).toBeUndefined();
  });
});

describe('mergeTrees: three files in order', () => {
  it('each file merges onto the result of the earlier ones', () => {
    const a = parse(service('image: a\nports: ["80"]\nenvironment: {A: "1"}'));
    const b = parse(service('ports: ["81"]\nenvironment: [B=2]'));
    const c = parse(service('image: c\nports: !override ["82"]\nenvironment:\n  A: !reset'));
    expect(toPlain(mergeTrees(mergeTrees(a, b), c))).toEqual({ services: { foo: { image: 'c', ports: ['82'], environment: { B: '2' } } } });
  });
});

describe('mergeService: the same rules for one service (extends)', () => {
  const svc = (body: string) => nodeAt(parse(service(body)), ['services', 'foo'])!.node as PMap;

  it('replaces commands, merges environments and unique resources', () => {
    const base = svc('image: base\ncommand: [a]\nenvironment: [A=1]\nports: ["80:80"]\nvolumes: [data:/data]');
    const over = svc('command: b\nenvironment: {B: "2"}\nports: ["80:80", "443:443"]\nvolumes: [other:/data]');
    expect(toPlain(mergeService(base, over))).toEqual({
      image: 'base',
      command: 'b',
      environment: { A: '1', B: '2' },
      ports: ['80:80', '443:443'],
      volumes: ['other:/data'],
    });
  });

  it('honours !reset and !override', () => {
    const base = svc('image: base\nvolumes: [.:/src]\ndepends_on: [a]');
    const over = svc('volumes: !reset []\ndepends_on: !override [b]');
    expect(toPlain(mergeService(base, over))).toEqual({ image: 'base', depends_on: ['b'] });
  });
});
