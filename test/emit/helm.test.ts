import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { emitHelmChart } from '../../src/emit/helm/index.js';
import { splitImage } from '../../src/emit/helm/service-values.js';
import { runCli } from '../run-cli.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

/** The chart of a project written out as files, as compile --format helm writes it. */
function chartOf(dir: string, env: Record<string, string> = {}): Map<string, string> {
  const result = compile({ files: [], cwd: dir, env });
  expect(result.manifests, result.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
  return emitHelmChart(result.system!, result.manifests!);
}

function project(compose: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tychoc-helm-'));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  return dir;
}

describe('the Helm chart', () => {
  const shop = chartOf(join(fixtures, 'web-and-database'), { DB_PASSWORD: 'secret' });

  it('has Chart.yaml, values.yaml, the helpers and a template per object, plus an Ingress for the published service', () => {
    expect([...shop.keys()].sort()).toEqual([
      'Chart.yaml', 'templates/_helpers.tpl', 'templates/db-deployment.yaml', 'templates/db-service.yaml',
      'templates/shop-db-data-persistentvolumeclaim.yaml', 'templates/web-deployment.yaml', 'templates/web-ingress.yaml',
      'templates/web-service.yaml', 'values.schema.json', 'values.yaml',
    ]);
    expect(shop.get('Chart.yaml')).toMatch(/^apiVersion: v2\nname: shop\ndescription: The Kubernetes objects of the compose project shop, compiled by tychoc\ntype: application\nversion: 0\.1\.0\nappVersion: [0-9a-f]{12}\n$/);
  });

  it('has values per service as compiled: the image split into repository and tag, replicas, resources, Service type, ingress', () => {
    expect(shop.get('values.yaml')!.replace(/^#.*\n/gm, '')).toBe(`services:
  db:
    image:
      repository: postgres
      tag: "16"
    replicas: 1
    resources: {}
    service:
      type: ClusterIP
  web:
    image:
      repository: nginx
      tag: "1.27"
    replicas: 1
    resources: {}
    service:
      type: ClusterIP
    ingress:
      enabled: false
      host: ""
      path: /
`);
  });

  it('has a schema of exactly those values', () => {
    const schema = JSON.parse(shop.get('values.schema.json')!);
    const services = schema.properties.services;
    expect(services.additionalProperties).toBe(false);
    expect(services.required).toEqual(['db', 'web']);
    expect(services.properties.db.required).toEqual(['image', 'replicas', 'resources', 'service']);
    expect(services.properties.web.required).toEqual(['image', 'replicas', 'resources', 'service', 'ingress']);
    expect(services.properties.web.properties.service.properties.type).toEqual({ enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] });
  });

  it('fills the fields values decide and leaves the rest literal', () => {
    const deployment = shop.get('templates/web-deployment.yaml')!;
    expect(deployment).toMatch(/^\{\{- \/\* Written by tychoc compile --format helm; the next compile rewrites it\. \*\/ -\}\}\n\{\{- \$svc := index \.Values\.services "web" -\}\}\napiVersion: apps\/v1\n/);
    expect(deployment).toContain('\n  replicas: {{ int $svc.replicas }}\n');
    expect(deployment).toContain('\n        - env:\n');
    expect(deployment).toContain('\n          image: {{ include "shop.scalar" (include "shop.image" $svc.image) }}\n');
    expect(deployment).toContain('\n          {{- with $svc.resources }}\n          resources: {{- include "shop.resources" . | trim | nindent 12 }}\n          {{- end }}\n          securityContext:\n');
    expect(shop.get('templates/web-service.yaml')).toContain('\n  type: {{ include "shop.scalar" $svc.service.type }}\n');
    expect(shop.get('templates/web-ingress.yaml')).toContain('{{- if $svc.ingress.enabled }}\napiVersion: networking.k8s.io/v1\nkind: Ingress\n');
    expect(shop.get('templates/web-ingress.yaml')).toContain('\n    - {{ with $svc.ingress.host }}host: {{ include "shop.scalar" . }}\n      {{ end }}http:\n');
    expect(shop.get('templates/shop-db-data-persistentvolumeclaim.yaml')).not.toContain('$svc');
  });

  it('is the same bytes for the same input', () => {
    expect(chartOf(join(fixtures, 'web-and-database'), { DB_PASSWORD: 'secret' })).toEqual(shop);
  });

  it('escapes {{ in compiled content, and writes Helm\'s <no value> marker so that Helm keeps it', () => {
    const chart = chartOf(project(`name: braces
services:
  app:
    image: example/app:1
    environment:
      GREETING: "{{ .Values.x }} <no value>"
    configs:
      - source: page
        target: /srv/index.html
configs:
  page:
    content: "<p>{{{ title }}}</p>"
`));
    expect(chart.get('templates/app-deployment.yaml')).toContain('value: "{{ "{{" }} .Values.x }} \\u003cno value>"\n');
    expect(chart.get('templates/braces-page-configmap.yaml')).toContain('page: <p>{{ "{{" }}{ title }}}</p>\n');
  });

  it('leaves the replicas and resources of a sharded service to its shard layout', () => {
    const values = chartOf(join(fixtures, 'shards-core')).get('values.yaml')!;
    expect(values).toMatch(/\n {2}worker:\n {4}image:\n {6}repository: [^\n]+\n {6}tag: [^\n]+\n {4}service:\n/);
  });

  it('splits image references into repository, tag and digest', () => {
    expect(splitImage('nginx')).toEqual({ repository: 'nginx', tag: '' });
    expect(splitImage('registry:5000/team/app')).toEqual({ repository: 'registry:5000/team/app', tag: '' });
    expect(splitImage('registry:5000/team/app:1.2')).toEqual({ repository: 'registry:5000/team/app', tag: '1.2' });
    expect(splitImage('app:1@sha256:abc')).toEqual({ repository: 'app', tag: '1', digest: 'sha256:abc' });
  });
});

describe('tychoc compile --format helm', () => {
  const example = join(fixtures, 'web-and-database');

  it('needs a directory', async () => {
    for (const args of [['compile', '--format', 'helm'], ['compile', '--format', 'helm', '-o', '-']]) {
      const run = await runCli(args, example);
      expect(run).toEqual({ code: 2, stdout: '', stderr: 'tychoc: --format helm writes a chart into a directory: pass -o DIR\n' });
    }
  });

  it('writes the chart, removing the templates it wrote of objects no longer compiled but not the user\'s', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tychoc-chart-'));
    expect((await runCli(['compile', '--format', 'helm', '-o', out], example)).code).toBe(0);
    expect(readFileSync(join(out, 'values.yaml'), 'utf8')).toBe(chartOf(example).get('values.yaml'));
    writeFileSync(join(out, 'templates', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    mkdirSync(join(out, 'templates', 'dir.yaml'));
    const single = project('name: shop\nservices:\n  web:\n    image: nginx:1.27\n');
    expect((await runCli(['compile', '--format', 'helm', '-o', out], single)).code).toBe(0);
    expect(readdirSync(join(out, 'templates')).sort()).toEqual(['_helpers.tpl', 'dir.yaml', 'extra.yaml', 'web-deployment.yaml', 'web-service.yaml']);
    expect(existsSync(join(out, 'Chart.yaml'))).toBe(true);
  });
});
