import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { peerTool } from '../peer-tool.js';

const bin = new URL('../../dist/src/cli/bin.js', import.meta.url).pathname;
const deploy = new URL('../../deploy/argocd/', import.meta.url).pathname;
const pluginYaml = readFileSync(join(deploy, 'plugin.yaml'), 'utf8');
const plugin = parse(pluginYaml) as {
  spec: { generate: { command: string[]; args?: string[] }; discover: { find: { command: string[]; args?: string[] } } };
};

// `tychoc` on the sidecar's PATH, as an installed package puts it there.
const pathDir = mkdtempSync(join(tmpdir(), 'tychoc-argocd-bin-'));
writeFileSync(join(pathDir, 'tychoc'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} "$@"\n`);
chmodSync(join(pathDir, 'tychoc'), 0o755);
const sidecarEnv = { PATH: `${pathDir}:/usr/bin:/bin`, HOME: tmpdir() };

interface Application {
  readonly name: string;
  readonly namespace: string;
  readonly path: string;
  readonly env?: Record<string, string>;
  readonly parameters?: ReadonlyArray<{ name: string; string?: string; array?: string[] }>;
}

const escaped = (name: string) => name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

/**
 * The environment the CMP server gives a plugin's commands: its own, then the repo server's build
 * variables, the Application's plugin env prefixed ARGOCD_ENV_, and its parameters as
 * ARGOCD_APP_PARAMETERS and PARAM_ variables (reposerver/repository.go newEnv and
 * getPluginParamEnvs, ApplicationSourcePluginParameters.Environ in Argo CD).
 */
function cmpEnv(app: Application, { json = true } = {}): Record<string, string> {
  const env: Record<string, string> = {
    ...sidecarEnv,
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: app.namespace,
    ARGOCD_APP_PROJECT_NAME: 'default',
    ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567',
    ARGOCD_APP_REVISION_SHORT: '0123456',
    ARGOCD_APP_REVISION_SHORT_8: '01234567',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/team/apps.git',
    ARGOCD_APP_SOURCE_PATH: app.path,
    ARGOCD_APP_SOURCE_TARGET_REVISION: 'HEAD',
    KUBE_VERSION: '1.33.0',
    KUBE_API_VERSIONS: 'v1,apps/v1,networking.k8s.io/v1',
  };
  for (const [k, v] of Object.entries(app.env ?? {})) env[`ARGOCD_ENV_${k}`] = v;
  const parameters = app.parameters ?? [];
  if (json) env.ARGOCD_APP_PARAMETERS = JSON.stringify(parameters);
  for (const p of parameters) {
    if (p.string !== undefined) env[`PARAM_${escaped(p.name)}`] = p.string;
    p.array?.forEach((item, i) => (env[`PARAM_${escaped(p.name)}_${i}`] = item));
  }
  return env;
}

/** Runs a command of plugin.yaml as the CMP server does: exec of command + args, in `cwd`, stdin /dev/null. */
function runAsCmp(command: { command: string[]; args?: string[] }, cwd: string, env: Record<string, string>) {
  const [file, ...rest] = command.command;
  return spawnSync(file!, [...rest, ...(command.args ?? [])], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A repository checked out as the CMP server unpacks it, with the Application's files at `path`. */
function repository(path: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tychoc-argocd-repo-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, path, name, '..'), { recursive: true });
    writeFileSync(join(root, path, name), content);
  }
  return join(root, path);
}

const compose = `services:
  web:
    image: nginx:\${TAG:?set TAG}
    ports: ["8080:80"]
    profiles: [frontend]
  cache:
    image: redis:7
`;

describe('tychoc argocd generate, run as the CMP server runs plugin.yaml', () => {
  const app: Application = {
    name: 'shop',
    namespace: 'shop-prod',
    path: 'apps/shop',
    env: { TAG: '1.27' },
    parameters: [{ name: 'service-type', string: 'NodePort' }, { name: 'profile', array: ['frontend'] }],
  };
  const dir = repository(app.path, { 'compose.yaml': compose });
  const plain = spawnSync(process.execPath, [bin, 'compile', '-p', 'shop', '-n', 'shop-prod', '--service-type', 'NodePort', '--profile', 'frontend'], { cwd: dir, env: { PATH: sidecarEnv.PATH, TAG: '1.27' }, encoding: 'utf8' });

  it('prints what tychoc compile prints for the Application\'s name, namespace, env and parameters', () => {
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('kind: Deployment');
    const run = runAsCmp(plugin.spec.generate, dir, cmpEnv(app));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(plain.stdout);
  });

  it('reads the PARAM_ variables when ARGOCD_APP_PARAMETERS is not set', () => {
    const run = runAsCmp(plugin.spec.generate, dir, cmpEnv(app, { json: false }));
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(plain.stdout);
  });

  it('takes the files parameter, and COMPOSE_PROJECT_NAME from the plugin env over the Application\'s name', () => {
    const named = repository('deploy', { 'stack.yaml': 'services:\n  cache:\n    image: redis:7\n' });
    const run = runAsCmp(plugin.spec.generate, named, cmpEnv({ name: 'shop', namespace: '', path: 'deploy', env: { COMPOSE_PROJECT_NAME: 'store' }, parameters: [{ name: 'files', array: ['stack.yaml'] }] }));
    expect(run.stderr).toBe('');
    const expected = spawnSync(process.execPath, [bin, 'compile', '-p', 'store', 'stack.yaml'], { cwd: named, env: { PATH: sidecarEnv.PATH }, encoding: 'utf8' });
    expect(run.stdout).toBe(expected.stdout);
    expect(run.stdout).not.toContain('namespace:');
  });

  it('fails with exit 1 and the diagnostics on stderr for a bad compose file', () => {
    const bad = repository('apps/bad', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:eighty"]\n' });
    const run = runAsCmp(plugin.spec.generate, bad, cmpEnv({ ...app, path: 'apps/bad' }));
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    // Paths relative to the source directory, as the Application's files are laid out in the repository.
    expect(run.stderr).toBe([
      'compose.yaml:4:13 error TYC0503 invalid ports entry "80:eighty": expected [[IP:]HOST:]CONTAINER[/PROTOCOL] with ports 1-65535',
      '  4 |     ports: ["80:eighty"]',
      '    |             ^',
      '',
    ].join('\n'));
  });

  it('fails with exit 2 for a parameter that is not one of compile\'s flags, or a value compile refuses', () => {
    const unknown = runAsCmp(plugin.spec.generate, dir, cmpEnv({ ...app, parameters: [{ name: 'colour', string: 'blue' }] }));
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    // Every name docs/argocd.md lists: a new compile flag is a parameter once it is documented there (or excluded).
    expect(unknown.stderr).toBe('tychoc argocd generate: unknown parameter colour (known: files, file, project-name, project-directory, env-file, profile, image-prefix, policy, service-type, strict, namespace, sid, username, bind-mounts, network-policies, proxy-output, templates, topology, quiet)\n');
    const refused = runAsCmp(plugin.spec.generate, dir, cmpEnv({ ...app, parameters: [{ name: 'service-type', string: 'Nodeport' }] }));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe("tychoc argocd generate: parameter service-type argument 'Nodeport' is invalid. Allowed choices are ClusterIP, NodePort, LoadBalancer, Headless.\n");
    const output = runAsCmp(plugin.spec.generate, dir, cmpEnv({ ...app, parameters: [{ name: 'output', string: 'out' }] }));
    expect(output.stderr).toMatch(/^tychoc argocd generate: unknown parameter output /);
  });
});

describe('the discovery rule of plugin.yaml', () => {
  const matches = (files: Record<string, string>, parameters: Application['parameters'] = [], env: Record<string, string> = {}) => {
    const dir = repository('app', files);
    const run = runAsCmp(plugin.spec.discover.find, dir, cmpEnv({ name: 'a', namespace: 'a', path: 'app', parameters, env }));
    // The CMP server's rule: exit 0 and output.
    return run.status === 0 && run.stdout.trim() !== '';
  };

  it.each(['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'])('matches a source directory with %s', (name) => {
    expect(matches({ [name]: compose })).toBe(true);
  });

  it('matches files the Application names, by parameter or COMPOSE_FILE', () => {
    expect(matches({ 'stack.yaml': compose }, [{ name: 'files', array: ['stack.yaml'] }])).toBe(true);
    expect(matches({ 'stack.yaml': compose }, [], { COMPOSE_FILE: 'stack.yaml' })).toBe(true);
  });

  it('does not match other files, an override file alone, or compose files below the source directory', () => {
    expect(matches({ 'kustomization.yaml': 'resources: []\n', 'Chart.yaml': 'name: x\n' })).toBe(false);
    expect(matches({ 'compose.override.yaml': compose })).toBe(false);
    expect(matches({ 'sub/compose.yaml': compose })).toBe(false);
  });
});

describe('deploy/argocd, the kustomize component installing the plugin', () => {
  const kustomize = peerTool('kustomize');
  if (!kustomize) return;

  it('adds the tychoc sidecar to argocd-repo-server, with plugin.yaml from its ConfigMap', () => {
    // argocd-repo-server as Argo CD's install.yaml has it, as far as the patch is concerned.
    const repoServer = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'argocd-repo-server' },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'argocd-repo-server' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'argocd-repo-server' } },
          spec: { containers: [{ name: 'argocd-repo-server', image: 'quay.io/argoproj/argocd:v3.2.0' }], volumes: [{ name: 'var-files', emptyDir: {} }, { name: 'plugins', emptyDir: {} }] },
        },
      },
    };
    const root = mkdtempSync(join(tmpdir(), 'tychoc-argocd-install-'));
    writeFileSync(join(root, 'repo-server.yaml'), JSON.stringify(repoServer));
    writeFileSync(join(root, 'kustomization.yaml'), `namespace: argocd\nresources: [repo-server.yaml]\ncomponents: [${relative(root, deploy)}]\n`);
    const run = spawnSync(kustomize, ['build', root], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [configMap, deployment] = parseAllDocuments(run.stdout).map((d) => d.toJS());
    expect(configMap).toMatchObject({ kind: 'ConfigMap', metadata: { namespace: 'argocd' }, data: { 'plugin.yaml': pluginYaml } });
    const pod = deployment.spec.template.spec;
    expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(['tychoc', 'argocd-repo-server']);
    expect(pod.containers[0]).toMatchObject({ command: ['/var/run/argocd/argocd-cmp-server'], securityContext: { runAsUser: 999 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tychoc-plugin', mountPath: '/home/argocd/cmp-server/config/plugin.yaml', subPath: 'plugin.yaml' });
    // The generated name, hash suffix and all, is the one the volume mounts.
    expect(pod.volumes).toContainEqual({ name: 'tychoc-plugin', configMap: { name: configMap.metadata.name } });
    for (const volume of ['var-files', 'plugins', 'tychoc-tmp']) expect(pod.volumes.map((v: { name: string }) => v.name)).toContain(volume);
  });
});
