import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

const project = mkdtempSync(join(tmpdir(), 'tychoc-explain-'));
writeFileSync(join(project, '.env'), 'TAG=1.27\nDB_PASSWORD=s3cret\n');
writeFileSync(join(project, 'compose.yaml'), `name: shop
services:
  web:
    image: nginx:\${TAG}
    ports:
      - "8080:80"
    environment:
      DB_HOST: db
      DB_PASSWORD: \${DB_PASSWORD}
    deploy:
      replicas: 2
      resources:
        limits:
          memory: 256M
  db:
    image: postgres:16
    user: "999:999"
    volumes:
      - data:/var/lib/postgresql/data
volumes:
  data:
`);

describe('tychoc explain', () => {
  it('gives every field of a service\'s workload the compose line, .env line, policy or default that caused it', async () => {
    const run = await runCli(['explain', '--service', 'web', '--kind', 'deployment'], project);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`apps/v1 Deployment web
  apiVersion                                                                 apps/v1                default
  kind                                                                       Deployment             default
  metadata.labels.app-name                                                   shop                   compose.yaml:1:7 name
  metadata.labels["app.kubernetes.io/instance"]                              shop                   compose.yaml:1:7 name
  metadata.labels["app.kubernetes.io/managed-by"]                            tychoc                 default
  metadata.labels["app.kubernetes.io/name"]                                  web                    compose.yaml:3:3 services.web
  metadata.labels["app.kubernetes.io/part-of"]                               shop                   compose.yaml:1:7 name
  metadata.labels.executor                                                   tycho                  default
  metadata.labels.name                                                       shop-8d9001d32c6a      compose.yaml:1:7 name
  metadata.labels.tycho-guid                                                 8d9001d32c6a           compose.yaml:1:7 name
  metadata.name                                                              web                    compose.yaml:3:3 services.web
  spec.replicas                                                              2                      compose.yaml:11:17 services.web.deploy.replicas
  spec.selector.matchLabels["app.kubernetes.io/instance"]                    shop                   compose.yaml:1:7 name
  spec.selector.matchLabels["app.kubernetes.io/name"]                        web                    compose.yaml:3:3 services.web
  spec.selector.matchLabels.tycho-guid                                       8d9001d32c6a           compose.yaml:1:7 name
  spec.template.metadata.labels.app-name                                     shop                   compose.yaml:1:7 name
  spec.template.metadata.labels["app.kubernetes.io/instance"]                shop                   compose.yaml:1:7 name
  spec.template.metadata.labels["app.kubernetes.io/managed-by"]              tychoc                 default
  spec.template.metadata.labels["app.kubernetes.io/name"]                    web                    compose.yaml:3:3 services.web
  spec.template.metadata.labels["app.kubernetes.io/part-of"]                 shop                   compose.yaml:1:7 name
  spec.template.metadata.labels.executor                                     tycho                  default
  spec.template.metadata.labels.name                                         shop-8d9001d32c6a      compose.yaml:1:7 name
  spec.template.metadata.labels.tycho-guid                                   8d9001d32c6a           compose.yaml:1:7 name
  spec.template.spec.automountServiceAccountToken                            false                  default
  spec.template.spec.containers[0].env[0].name                               DB_HOST                compose.yaml:8:7 services.web.environment.DB_HOST
  spec.template.spec.containers[0].env[0].value                              db                     compose.yaml:8:7 services.web.environment.DB_HOST
  spec.template.spec.containers[0].env[1].name                               DB_PASSWORD            compose.yaml:9:7 services.web.environment.DB_PASSWORD via .env:2:1
  spec.template.spec.containers[0].env[1].value                              s3cret                 compose.yaml:9:7 services.web.environment.DB_PASSWORD via .env:2:1
  spec.template.spec.containers[0].image                                     nginx:1.27             compose.yaml:4:12 services.web.image via .env:1:1
  spec.template.spec.containers[0].imagePullPolicy                           IfNotPresent           default
  spec.template.spec.containers[0].name                                      web                    compose.yaml:3:3 services.web
  spec.template.spec.containers[0].ports[0].containerPort                    80                     compose.yaml:6:9 services.web.ports[0]
  spec.template.spec.containers[0].ports[0].name                             tcp-80                 compose.yaml:6:9 services.web.ports[0]
  spec.template.spec.containers[0].ports[0].protocol                         TCP                    compose.yaml:6:9 services.web.ports[0]
  spec.template.spec.containers[0].resources.limits.memory                   256Mi                  compose.yaml:14:19 services.web.deploy.resources.limits.memory
  spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation  false                  policy security.profile
  spec.template.spec.containers[0].terminationMessagePolicy                  FallbackToLogsOnError  default
  spec.template.spec.enableServiceLinks                                      false                  default
  spec.template.spec.restartPolicy                                           Always                 default
  spec.template.spec.securityContext.seccompProfile.type                     RuntimeDefault         policy security.profile
`);
  });

  it('traces a volume claim to its volume and policy, and the user to `user:`', async () => {
    const claim = await runCli(['explain', '--kind', 'PersistentVolumeClaim'], project);
    expect(claim.stdout.split('\n').filter((l) => /^ {2}(metadata\.name|metadata\.labels\["app\.kubernetes\.io\/name"\]|spec)/.test(l))).toEqual([
      '  metadata.labels["app.kubernetes.io/name"]        data                   compose.yaml:21:3 volumes.data',
      '  metadata.name                                    shop-data              compose.yaml:21:3 volumes.data',
      '  spec.accessModes[0]                              ReadWriteOnce          policy volumes.accessMode',
      '  spec.resources.requests.storage                  1Gi                    policy volumes.size',
    ]);
    const db = JSON.parse((await runCli(['explain', '--service', 'db', '--kind', 'Deployment', '--format', 'json', '--sid', 'abc123'], project)).stdout);
    const field = (path: string) => db[0].fields.find((f: { path: string }) => f.path === path);
    expect(field('spec.template.spec.containers[0].securityContext.runAsUser')).toEqual({
      path: 'spec.template.spec.containers[0].securityContext.runAsUser', value: 999, origin: { type: 'compose', at: 'compose.yaml:17:11', key: 'services.db.user' },
    });
    expect(field('spec.template.spec.volumes[0].persistentVolumeClaim.claimName').origin).toEqual({ type: 'compose', at: 'compose.yaml:19:9', key: 'services.db.volumes[0]' });
    expect(field('metadata.labels.tycho-guid')).toEqual({ path: 'metadata.labels.tycho-guid', value: 'abc123', origin: { type: 'option', option: '--sid' } });
  });

  it('lists every object and field; an unknown service is a usage error', async () => {
    const all = await runCli(['explain'], project);
    expect(all.stdout.match(/^\S.*$/gm)).toEqual([
      'v1 PersistentVolumeClaim shop-data', 'v1 Service db', 'v1 Service web', 'apps/v1 Deployment db', 'apps/v1 Deployment web',
    ]);
    const compiled = (await runCli(['compile', '--format', 'json'], project)).stdout;
    expect(all.stdout.match(/^ {2}\S/gm)).toHaveLength(JSON.parse((await runCli(['explain', '--format', 'json'], project)).stdout).flatMap((o: { fields: unknown[] }) => o.fields).length);
    expect(compiled).toContain('"kind": "Deployment"');
    const unknown = await runCli(['explain', '--service', 'api'], project);
    expect(unknown).toMatchObject({ code: 2, stderr: 'tychoc: no service api (services: web, db)\n' });
  });
});
