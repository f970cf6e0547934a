import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { helpersTemplate } from '../../src/emit/helm/helpers.js';
import { toYamlQuoting } from '../../src/emit/serialize.js';
import { runCli } from '../run-cli.js';

/**
 * The chart output against the real Helm (scripts/helm.sh builds it from its Go module): with the
 * default values `helm template` prints each compiled object byte for byte, `helm lint --strict`
 * passes, and a value set on the command line changes its field and nothing else.
 */
const root = new URL('../../', import.meta.url).pathname;
const fixtures = join(root, 'fixtures');
const found = spawnSync('bash', [join(root, 'scripts/helm.sh'), '--path'], { encoding: 'utf8' });
const helmBin = found.status === 0 ? found.stdout.trim() : undefined;
const missing = helmBin ? undefined : `helm is not built (scripts/helm.sh builds it; ${found.stdout.trim()} is missing)`;
if (missing && process.env['CI'] !== 'true') console.warn(`Helm chart tests skipped: ${missing}`);
// On CI a missing helm is a failure (the suite builds it first), not a skip.
const describeWithHelm = missing && process.env['CI'] !== 'true' ? describe.skip : describe;
const title = (t: string) => (missing && process.env['CI'] !== 'true' ? `${t} (SKIPPED: ${missing})` : t);

const run = promisify(execFile);
async function helm(...args: string[]): Promise<string> {
  if (!helmBin) throw new Error(missing);
  return (await run(helmBin, args, { encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;
}

/** `helm template`'s documents without its `---` / `# Source:` lines: Helm prints each as the template rendered it, plus a newline (the last one trimmed). */
function renderedDocuments(stream: string): string[] {
  const docs = stream.split(/^---\n# Source: [^\n]*\n/m).filter((d) => d !== '');
  return docs.map((d, i) => (i < docs.length - 1 ? d.slice(0, -1) : d));
}

const keyOf = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;
const byKey = (docs: string[]) => new Map(docs.map((d) => [keyOf(parse(d)), d]));
type Obj = { kind: string; metadata: { name: string } } & Record<string, any>;
const objects = (stream: string): Obj[] => parseAllDocuments(stream).map((d) => d.toJS()).filter((o) => o !== null);

/** The compile fixtures, each with its args (its own --format dropped). */
function compileCases(): { name: string; dir: string; args: string[] }[] {
  return readdirSync(fixtures).sort().flatMap((name) => {
    const dir = join(fixtures, name);
    if (!existsSync(join(dir, 'expected.yaml'))) return [];
    const argsFile = join(dir, 'args');
    const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/) : ['compile'];
    if (args[0] !== 'compile') return [];
    const i = args.indexOf('--format');
    if (i >= 0) args.splice(i, 2);
    return [{ name, dir, args }];
  });
}

/** Compiles `dir` both ways: the plain YAML stream, and the chart's directory. */
async function compileBoth(dir: string, args: string[] = ['compile']): Promise<{ plain: string; chart: string }> {
  const plain = await runCli(args, dir);
  expect(plain.code, plain.stderr).toBe(0);
  const chart = mkdtempSync(join(tmpdir(), 'tychoc-helm-chart-'));
  const written = await runCli([...args, '--format', 'helm', '-o', chart], dir);
  expect(written.code, written.stderr).toBe(0);
  return { plain: plain.stdout, chart };
}

/** Runs `work` over `items`, `limit` at a time (helm is a process each; the machine has few cores). */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  }));
  return results;
}

describeWithHelm(title('helm template and helm lint on the chart of every compile fixture'), () => {
  const cases = compileCases();
  const outcomes = new Map<string, { plain: string; rendered: string; lint: string }>();
  beforeAll(async () => {
    await pooled(cases, 3, async (c) => {
      const { plain, chart } = await compileBoth(c.dir, c.args);
      const [rendered, lint] = await Promise.all([helm('template', chart), helm('lint', '--strict', chart)]);
      outcomes.set(c.name, { plain, rendered, lint: lint.replaceAll(chart, 'CHART') });
    });
  }, 120_000);

  for (const c of cases) {
    it(`${c.name}: the compiled objects byte for byte, and a clean lint`, () => {
      const { plain, rendered, lint } = outcomes.get(c.name)!;
      const want = byKey(plain.split(/^---\n/m));
      const got = byKey(renderedDocuments(rendered));
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [key, doc] of want) expect(got.get(key), key).toBe(doc);
      // An icon is only recommended (INFO): a compose project has none to give.
      expect(lint).toBe('==> Linting CHART\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 chart(s) failed\n');
    });
  }
});

describeWithHelm(title('values set on the command line'), () => {
  /** The objects of `helm template` with `sets`, and the defaults' objects changed by `change`, to compare. */
  async function overridden(fixture: string, sets: string[], change: (objects: Map<string, Obj>) => void): Promise<[Obj[], Obj[]]> {
    const { dir, args } = compileCases().find((c) => c.name === fixture)!;
    const { plain, chart } = await compileBoth(dir, args);
    const expected = new Map(objects(plain).map((o) => [keyOf(o), o]));
    change(expected);
    const got = objects(await helm('template', chart, ...sets.flatMap((s) => ['--set', s])));
    const sort = (os: Obj[]) => [...os].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    return [sort(got), sort([...expected.values()])];
  }

  it('replicas and the image tag change the Deployment, nothing else', async () => {
    const [got, want] = await overridden('web-and-database', ['services.web.replicas=3', 'services.web.image.tag=1.10', 'services.db.image.repository=registry.example.com:5000/postgres'], (o) => {
      o.get('Deployment/web')!['spec'].replicas = 3;
      o.get('Deployment/web')!['spec'].template.spec.containers[0].image = 'nginx:1.10';
      o.get('Deployment/db')!['spec'].template.spec.containers[0].image = 'registry.example.com:5000/postgres:16';
    });
    expect(got).toEqual(want);
  });

  it('the Service type, with node ports only where the type has them', async () => {
    const [got, want] = await overridden('pass-ports-exposure', ['services.web.service.type=ClusterIP', 'services.api.service.type=NodePort'], (o) => {
      const web = o.get('Service/web')!['spec'];
      web.type = 'ClusterIP';
      for (const p of web.ports) delete p.nodePort;
      o.get('Service/api')!['spec'].type = 'NodePort';
    });
    expect(got).toEqual(want);
  });

  it('resources, replacing or adding a container\'s', async () => {
    const [got, want] = await overridden('healthcheck-and-resources', ['services.api.resources.limits.memory=1Gi', 'services.quiet.resources.requests.cpu=100m'], (o) => {
      o.get('Deployment/api')!['spec'].template.spec.containers[0].resources.limits.memory = '1Gi';
      o.get('Deployment/quiet')!['spec'].template.spec.containers[0].resources = { requests: { cpu: '100m' } };
    });
    expect(got).toEqual(want);
  });

  it('an Ingress for a published service, on a host and path', async () => {
    const [got, want] = await overridden('web-and-database', ['services.web.ingress.enabled=true', 'services.web.ingress.host=shop.example.org', 'services.web.ingress.path=/shop'], (o) => {
      const service = o.get('Service/web')!;
      o.set('Ingress/web', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { labels: service['metadata'].labels, name: 'web' },
        spec: { rules: [{ host: 'shop.example.org', http: { paths: [{ backend: { service: { name: 'web', port: { number: 80 } } }, path: '/shop', pathType: 'Prefix' } ] } }] },
      });
    });
    expect(got).toEqual(want);
  });

  it('the compiled Ingress: its host, or none at all', async () => {
    const [hosted, withHost] = await overridden('proxy-ingress', ['services.dashboard.ingress.host=lab.example.org'], (o) => {
      o.get('Ingress/dashboard')!['spec'].rules[0] = { host: 'lab.example.org', ...o.get('Ingress/dashboard')!['spec'].rules[0] };
    });
    expect(hosted).toEqual(withHost);
    const [off, without] = await overridden('proxy-ingress', ['services.dashboard.ingress.enabled=false'], (o) => void o.delete('Ingress/dashboard'));
    expect(off).toEqual(without);
  });
});

describeWithHelm(title('values the chart does not have'), () => {
  it('are refused by the values schema, with their path', async () => {
    const { chart } = await compileBoth(join(fixtures, 'web-and-database'));
    const refused = async (set: string) => {
      const failed = await helm('template', chart, '--set', set).then(() => undefined, (e: { stderr: string }) => e.stderr);
      return failed?.split('\n').filter((l) => l.startsWith('- at ')).join('\n');
    };
    expect(await refused('services.web.replica=3')).toBe("- at '/services/web': additional properties 'replica' not allowed");
    expect(await refused('services.wbe.replicas=3')).toBe("- at '/services': additional properties 'wbe' not allowed");
    expect(await refused('services.web.replicas=three')).toBe("- at '/services/web/replicas': got string, want integer");
    expect(await refused('services.web.service.type=ExternalName')).toBe("- at '/services/web/service/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'");
    expect(await refused('services.web.ingress.path=shop')).toBe("- at '/services/web/ingress/path': 'shop' does not match pattern '^/'");
    expect(await refused('services.web.image.tag=2')).toBeUndefined();
  });
});

describeWithHelm(title('content Helm would otherwise interpret'), () => {
  it('is printed as compiled: {{ as it is, <no value> as the same string', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tychoc-helm-braces-'));
    writeFileSync(join(dir, 'compose.yaml'), `name: braces
services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    environment:
      TEMPLATE: "{{ .Values.secret }} and {{- end }} {{/* c */}}"
      MARKER: "a <no value> b"
    configs:
      - source: page
        target: /usr/share/nginx/html/index.html
configs:
  page:
    content: |
      <p>{{ title }}</p>
      {{{ triple }}} {{
      <no value>
`);
    const { plain, chart } = await compileBoth(dir);
    const rendered = await helm('template', chart);
    expect(objects(rendered).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))).toEqual(objects(plain).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)));
    // Objects without the marker are the same bytes.
    const got = byKey(renderedDocuments(rendered));
    for (const doc of plain.split(/^---\n/m).filter((d) => !d.includes('<no value>'))) expect(got.get(keyOf(parse(doc)))).toBe(doc);
  });

  it('the scalar helper prints strings as the serializer does, and as strings whatever they look like', async () => {
    const strings = [
      'nginx:1.27', 'registry:5000/a/b:1.10@sha256:0f', '1.10', '1', '-1.5', '+1', '1e3', '0x1F', '0o17', '017', '0b101', '1:20', '.inf', '.NaN',
      'on', 'Off', 'yes', 'n', 'null', '~', '2024-01-02', '=', '<<', '', 'ClusterIP', 'a: b', 'a #b', 'trailing:', 'a:b', 'x#y', '-dash', '?q', ':c',
      '@at', '*star', '&amp', '!bang', '%pct', '`tick', "'q", '{x}', '[x]', ',', '|', '>', '#', 'hello world', ' lead', 'trail ',
      'tab\there', 'é-unicode', '/apps/lab\\.x/(/|$)(.*)', 'back\\slash', 'pipe|x', 'a"b', '- x', '-', ':', '? x',
    ];
    // The serializer writes these single-quoted or as a block: the helper, double-quoted.
    const sameStringOnly = ['"dq', 'line\nbreak', 'a\u0001b'];
    const chart = mkdtempSync(join(tmpdir(), 'tychoc-helm-scalar-'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), JSON.stringify({ strings: [...strings, ...sameStringOnly] }));
    writeFileSync(join(chart, 'templates', '_helpers.tpl'), helpersTemplate('t'));
    writeFileSync(join(chart, 'templates', 'strings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strings\ndata:\n{{- range $i, $s := .Values.strings }}\n  v{{ $i }}: {{ include "t.scalar" $s }}\n{{- end }}\n');
    const rendered = renderedDocuments(await helm('template', chart))[0]!;
    const data = parse(rendered).data;
    expect([...strings, ...sameStringOnly].map((_, i) => data[`v${i}`])).toEqual([...strings, ...sameStringOnly]);
    const lines = rendered.split('\n').slice(5, 5 + strings.length);
    expect(lines).toEqual(strings.map((s, i) => `  ${toYamlQuoting({ [`v${i}`]: s }, () => false).trimEnd()}`));
  });
});
