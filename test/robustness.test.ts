import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, type CompileOptions } from '../src/compile.js';
import type { Manifest } from '../src/emit/chart.js';
import { k8sProblems } from './k8s-validity.js';
import { runCli } from './run-cli.js';

/**
 * One test per failure class a mutation fuzzer found in the compiler: each input ends in valid
 * objects or in positioned diagnostics, never an exception or an object the API server refuses.
 */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(realpathSync(tmpdir()), 'tychoc-robust-'));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

type Json = Record<string, any>;

function build(files: Record<string, string>, opts: Partial<CompileOptions> = {}) {
  const dir = project(files);
  const result = compile({ files: [], cwd: dir, env: {}, ...opts });
  const at = (d: (typeof result.diagnostics)[number]) => (d.pos ? `${d.pos.file.slice(dir.length + 1)}:${d.pos.line}:${d.pos.col}` : '-');
  return {
    ...result,
    lines: result.diagnostics.map((d) => `${at(d)} ${d.severity} ${d.code} ${d.message}`),
    objects: (result.manifests ?? []) as (Manifest & Json)[],
  };
}

/** Compiles with no error, every object valid Kubernetes. */
function compiles(files: Record<string, string>, opts: Partial<CompileOptions> = {}) {
  const out = build(files, opts);
  expect(out.lines.filter((l) => l.includes(' error '))).toEqual([]);
  expect(out.objects.flatMap((m) => k8sProblems(m).map((p) => `${m.kind} ${m.metadata.name}: ${p}`))).toEqual([]);
  return out;
}

const web = (extra: string) => `services:\n  web:\n    image: nginx\n${extra}`;
const pod = (objects: readonly Json[], name = 'web') => objects.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!['spec'].template.spec;

describe('no exception out of compile()', () => {
  it('a project name that keeps no letter or digit is an error at its line', () => {
    expect(build({ 'compose.yaml': `name: "!!!"\n${web('')}` }).lines).toEqual([
      "compose.yaml:1:7 error TYC0303 project name \"!!!\" keeps no letter or digit once made a compose project name (lowercase letters, digits, '-' and '_', starting with a letter or digit)",
    ]);
  });

  it('an empty -p is a usage error', async () => {
    const dir = project({ 'compose.yaml': web('') });
    const run = await runCli(['compile', '-p', ''], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/project name/);
  });

  it('keys named like Object methods (constructor, toString, __proto__) are data', () => {
    const out = compiles({
      'compose.yaml': web('    labels: {constructor: a, toString: b, hasOwnProperty: c}\n    configs: [constructor]\n') + 'configs:\n  constructor:\n    content: hello\n',
    });
    expect(out.objects.find((m) => m.kind === 'Deployment')!.metadata).toMatchObject({ annotations: { constructor: 'a', toString: 'b', hasOwnProperty: 'c' } });
    expect(out.objects.find((m) => m.kind === 'ConfigMap')!['data']).toEqual({ constructor: 'hello' });
  });

  it('a toString key in a later list item is an unknown key', () => {
    expect(build({ 'compose.yaml': web('    ports: [{target: 80}, {target: 81, toString: 1}]\n') }).lines).toEqual([
      'compose.yaml:4:40 error TYC0301 unknown key `toString` in service `web` (ports[1])',
    ]);
  });

  it('a project named constructor compiles', () => {
    expect(compiles({ 'compose.yaml': `name: constructor\n${web('')}` }).objects.map((m) => m.kind)).toContain('Deployment');
  });

  it('a service named __proto__ is validated like any other', () => {
    expect(build({ 'compose.yaml': 'services:\n  __proto__: false\n  web:\n    image: nginx\n' }).lines).toEqual([
      'compose.yaml:2:3 error TYC0302 `services.__proto__` must be a mapping, not boolean false',
    ]);
  });
});

describe('positions', () => {
  it('COMPOSE_FILE naming no file falls back to the compose file in the directory', () => {
    const out = compiles({ 'compose.yaml': web(''), '.env': 'COMPOSE_FILE=:\n' });
    expect(out.objects.map((m) => m.kind)).toContain('Deployment');
  });

  it('a file COMPOSE_FILE names in .env that does not exist is reported at that line', () => {
    expect(build({ 'compose.yaml': web(''), '.env': 'A=1\nCOMPOSE_FILE=nope.yaml\n' }).lines).toEqual([
      '.env:2:1 error TYC0104 cannot read COMPOSE_FILE entry ./nope.yaml: no such file',
    ]);
  });

  it('an error after a multi-line plain scalar is on its own line', () => {
    const lines = build({ 'compose.yaml': '- services\nweb: nginx\n  and more\n  and more\nimage: "nginx\n' }).lines;
    expect(lines.find((l) => l.includes('quote'))).toMatch(/^compose\.yaml:5:8 /);
  });

  it('a quote never closed is shown where it opens, not past the end of the file', () => {
    expect(build({ 'compose.yaml': 'services:\n  web:\n    command: this is\n      a long line\n    image: "nginx\n' }).lines).toEqual([
      'compose.yaml:5:12 error TYC0101 Missing closing "quote',
    ]);
  });

  it('a missing include is reported at the include entry', () => {
    expect(build({ 'compose.yaml': `include:\n  - missing.yaml\n${web('')}` }).lines).toEqual([
      'compose.yaml:2:5 error TYC0104 cannot read included compose file ./missing.yaml: no such file',
    ]);
  });

  it('nesting past 128 levels is one error at the same place every time', () => {
    const files = { 'compose.yaml': web(`    command: ${'['.repeat(5000)}${']'.repeat(5000)}\n`) };
    const first = build(files).lines;
    expect(first).toEqual(['compose.yaml:4:139 error TYC0101 collections nest deeper than 128 levels']);
    expect(build(files).lines).toEqual(first);
  });

  it('aliases that nest past 128 levels are an error at the alias', () => {
    const levels = Array.from({ length: 3 }, (_, i) => `x-${i}: &a${i} ${'['.repeat(60)}${i > 0 ? `*a${i - 1}` : ''}${']'.repeat(60)}\n`).join('');
    expect(build({ 'compose.yaml': levels + web('') }).lines).toEqual(['compose.yaml:3:70 error TYC0101 aliases nest collections deeper than 128 levels']);
  });
});

describe('values Kubernetes refuses are errors where they are written', () => {
  it.each([
    ['deploy.replicas past int32', '    deploy: {replicas: 2147483648}\n', 'compose.yaml:4:24 error TYC0303 `deploy.replicas` must be a whole number from 0 to 2147483647, not 2147483648'],
    ['fractional healthcheck retries', '    healthcheck: {test: [CMD, "true"], retries: 1.5}\n', 'compose.yaml:4:49 error TYC0303 `retries` must be a whole number from 0 to 2147483647, not 1.5'],
    ['a healthcheck interval past int32 seconds', '    healthcheck: {test: [CMD, "true"], interval: 100000000h}\n', 'compose.yaml:4:50 error TYC0505 `interval` is "100000000h", more than Kubernetes can hold (2147483647s)'],
    ['max_attempts past int32', '    restart: on-failure\n    deploy: {restart_policy: {max_attempts: 99999999999}}\n', 'compose.yaml:5:45 error TYC0303 `max_attempts` must be a whole number from 0 to 2147483647, not 99999999999'],
    ['on-failure:N past int32', '    restart: "on-failure:99999999999"\n', 'compose.yaml:4:14 error TYC0303 the number of restarts in `on-failure:N` must be a whole number from 0 to 2147483647, not "99999999999"'],
    ['an environment variable without a name', '    environment: ["=B"]\n', 'compose.yaml:4:19 error TYC0303 environment variable name "" is empty or holds \'=\' or a character that is not printable ASCII, which Kubernetes refuses'],
    ['two different mounts at one path', '    volumes: ["one:/data", "two:/data/"]\nvolumes: {one: {}, two: {}}\n', 'compose.yaml:4:28 error TYC0504 `/data/` is already a mount target (line 4); a path holds one mount'],
    ['a relative mount target', '    tmpfs: ["data"]\n', 'compose.yaml:4:12 error TYC0504 mount target "data" must be an absolute path in the container'],
  ])('%s', (_name, extra, line) => {
    expect(build({ 'compose.yaml': web(extra) }).lines).toEqual([line]);
  });

  it('the same secret listed twice is mounted once', () => {
    const out = compiles({ 'compose.yaml': web('    secrets: [s, s]\n') + 'secrets:\n  s:\n    file: ./s.txt\n', 's.txt': 'x' });
    expect(out.lines).toEqual(['compose.yaml:4:18 warning TYC0705 `/run/secrets/s` is mounted the same way twice; once is enough']);
    expect(pod(out.objects).containers[0].volumeMounts).toEqual([{ name: 'secret-s', mountPath: '/run/secrets/s', subPath: 's.txt' }]);
  });

  it('an invalid --sid is a usage error', async () => {
    const dir = project({ 'compose.yaml': web('') });
    for (const sid of ['-bad', 'x'.repeat(64)]) expect((await runCli(['compile', '--sid', sid], dir)).code).toBe(2);
  });

  it('a long project name stays a valid label value, and two long volume names two claims', () => {
    const name = `${'a'.repeat(62)}-b`;
    const volumes = `    volumes: ["${'v'.repeat(70)}1:/one", "${'v'.repeat(70)}2:/two"]\nvolumes: {${'v'.repeat(70)}1: {}, ${'v'.repeat(70)}2: {}}\n`;
    const out = compiles({ 'compose.yaml': `name: ${name}\n${web(volumes)}` });
    const claims = out.objects.filter((m) => m.kind === 'PersistentVolumeClaim').map((m) => m.metadata.name);
    expect(new Set(claims).size).toBe(2);
    expect(out.objects[0]!.metadata).toMatchObject({ labels: { 'app-name': 'a'.repeat(62) } });
  });

  it('a config name past 253 characters becomes a key Kubernetes accepts', () => {
    const long = 'c'.repeat(300);
    const out = compiles({ 'compose.yaml': web(`    configs: [${long}]\n`) + `configs:\n  ${long}:\n    content: x\n` });
    const key = Object.keys(out.objects.find((m) => m.kind === 'ConfigMap')!['data'])[0]!;
    expect(key.length).toBeLessThanOrEqual(253);
    expect(pod(out.objects).volumes[0].configMap.items).toEqual([{ key, path: key }]);
  });
});

describe('Pod Security bookkeeping', () => {
  it('a host namespace the policy allows is in the pod, with the warning', () => {
    const out = compiles({ 'compose.yaml': web('    pid: host\n    ipc: host\n') }, { policy: { security: { allowHostNamespaces: true } } });
    expect(pod(out.objects)).toMatchObject({ hostPID: true, hostIPC: true });
    expect(out.lines.filter((l) => l.includes('TYC0702'))).toHaveLength(2);
  });

  it('a policy key that does not exist is an error, not a silent change of profile', () => {
    expect(build({ 'compose.yaml': web(''), 'tycho.policy.yaml': 'security:\n  requireNonRoot: false\n' }).lines).toEqual([
      'tycho.policy.yaml:2:3 error TYC0704 unknown policy key `security.requireNonRoot`',
    ]);
  });
});

describe('output that grows with the input, not faster', () => {
  it('a network policy selects peers by network, not by listing every service on it', () => {
    const services = Array.from({ length: 40 }, (_, i) => `  s${i}:\n    image: nginx\n`).join('');
    const out = compiles({ 'compose.yaml': `name: many\nservices:\n${services}` }, { policy: { networks: { policies: true } } });
    const policies = out.objects.filter((m) => m.kind === 'NetworkPolicy');
    expect(policies).toHaveLength(40);
    for (const p of policies) {
      expect(p['spec'].ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'many', 'network.tychoc.io/default': 'true', 'tycho-guid': expect.any(String) } } }] }]);
    }
    expect(out.objects.find((m) => m.kind === 'Deployment' && m.metadata.name === 's7')!['spec'].template.metadata.labels).toMatchObject({ 'network.tychoc.io/default': 'true' });
  });
});

describe('content Kubernetes cannot hold', () => {
  it('a config over 1 MiB is an error at its file, before any object is built', () => {
    expect(build({ 'compose.yaml': web('    configs: [big]\n') + 'configs:\n  big:\n    file: ./big.txt\n', 'big.txt': 'x'.repeat(1_048_577) }).lines).toEqual([
      'compose.yaml:7:11 error TYC0602 config `big` holds 1048577 bytes, more than the 1048576 a ConfigMap can hold',
    ]);
  });
});

describe('names', () => {
  it('two aliases of one service that are the same on Kubernetes are one Service', () => {
    const out = compiles({ 'compose.yaml': web('    networks:\n      back:\n        aliases: [a-b, a_b, Web]\nnetworks:\n  back: {}\n') });
    expect(out.objects.filter((m) => m.kind === 'Service').map((m) => m.metadata.name)).toEqual(['a-b', 'web']);
  });

  it('on-failure:N in the restart policy condition is read like restart: on-failure:N', () => {
    const out = compiles({ 'compose.yaml': web('    deploy:\n      restart_policy:\n        condition: on-failure:3\n') });
    expect(out.objects.find((m) => m.kind === 'Job')!['spec'].backoffLimit).toBe(3);
  });
});

describe('reads confined to the project directory', () => {
  const outside = 'cannot read %s: outside the project directory, which is all this compile may read';
  it.each([
    ['an extended file', web('    extends: {file: /etc/hostname, service: web}\n'), 'compose.yaml:4:21', 'extended compose file ../../etc/hostname'],
    ['an env_file', web('    env_file: /etc/hostname\n'), 'compose.yaml:4:15', 'env_file ../../etc/hostname'],
    ['a config file', `${web('    configs: [c]\n')}configs:\n  c:\n    file: /etc/hostname\n`, 'compose.yaml:7:11', 'config `c` file ../../etc/hostname'],
    ['a link inside pointing out', `${web('    configs: [c]\n')}configs:\n  c:\n    file: ./link\n`, 'compose.yaml:7:11', 'config `c` file ./link'],
  ])('%s', (_name, compose, at, what) => {
    const dir = project({ 'compose.yaml': compose });
    symlinkSync('/etc/hostname', join(dir, 'link'));
    const result = compile({ files: [], cwd: dir, env: {}, within: dir });
    const line = result.diagnostics.map((d) => `${d.pos!.file.slice(dir.length + 1)}:${d.pos!.line}:${d.pos!.col} ${d.message}`).find((l) => l.includes('outside'));
    expect(line?.replace(/\.\.\/\.\.\/[./]*etc/, '../../etc')).toBe(`${at} ${outside.replace('%s', what)}`);
    // The same project compiled without the confinement reads the file.
    expect(compile({ files: [], cwd: dir, env: {} }).diagnostics.some((d) => d.message.includes('outside'))).toBe(false);
  });
});
