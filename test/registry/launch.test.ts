import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/emit/chart.js';
import { compileLaunch, LaunchRefused, type LaunchableApp, type LaunchSettings } from '../../src/registry/launch.js';
import { chosenResources, resourceProblems } from '../../src/registry/resources.js';

const dir = mkdtempSync(join(tmpdir(), 'tychoc-launch-test-'));
const composePath = join(dir, 'compose.yaml');
writeFileSync(composePath, [
  'services:',
  '  notebook:',
  '    image: example/notebook:1',
  '    ports: ["8888"]',
  '    deploy: {resources: {reservations: {memory: 256M}}}',
  '  cache:',
  '    image: redis:7',
  '',
].join('\n'));

const APP: LaunchableApp = {
  id: 'notebook',
  compose: { path: composePath },
  env: {},
  expose: { notebook: 8888 },
  resources: { defaults: { cpu: '1', memory: '1Gi' }, max: { cpu: '2', memory: '4Gi', gpus: 1 } },
  proxy: { service: 'notebook', port: 8888 },
};
const SETTINGS: LaunchSettings = { namespace: 'apps', home: { claim: 'homes', mountPath: '/home', shared: 'shared' } };

const objects = (app: LaunchableApp, request: Parameters<typeof compileLaunch>[1], settings = SETTINGS) =>
  compileLaunch(app, request, settings, '0123456789ab', chosenResources(app.resources.defaults, request)).manifests! as (Manifest & Record<string, any>)[];
const pod = (ms: ReturnType<typeof objects>, name: string) => ms.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!.spec.template.spec;

describe('a launch for a user', () => {
  it('runs every service as the user, mounts their home and the shared directory, and makes them first as the user', () => {
    const ms = objects(APP, { user: 'alice@example.org', uid: 1001, gid: 100 });
    const spec = pod(ms, 'notebook');
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 100 });
    expect(spec.containers[0].securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 100, capabilities: { drop: ['ALL'] } });
    const dirName = 'alice-example.org-7a64adf287';
    expect(spec.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'vol-tychoc-home', mountPath: `/home/${dirName}`, subPath: dirName },
      { name: 'vol-tychoc-home', mountPath: '/home/shared', subPath: 'shared' },
    ]));
    expect(spec.volumes).toContainEqual({ name: 'vol-tychoc-home', persistentVolumeClaim: { claimName: 'tychoc-home' } });
    expect(spec.initContainers.map((c: any) => [c.name, c.command, c.securityContext.runAsUser, c.volumeMounts])).toEqual([
      ['prepare-home', ['mkdir', '-p', `/homes/${dirName}`], 1001, [{ name: 'vol-tychoc-home', mountPath: '/homes' }]],
      ['prepare-shared', ['mkdir', '-p', '-m', '1777', '/homes/shared'], 1001, [{ name: 'vol-tychoc-home', mountPath: '/homes' }]],
    ]);
    expect(pod(ms, 'cache').containers[0].securityContext).toMatchObject({ runAsUser: 1001 });
  });

  it('hands the identity over as a Secret file, never as plain environment', () => {
    const ms = objects(APP, { user: 'alice@example.org', uid: 1001, gid: 100 });
    const secret = ms.find((m) => m.kind === 'Secret')!;
    expect(JSON.parse(Buffer.from(Object.values(secret.data as Record<string, string>)[0]!, 'base64').toString())).toEqual({ username: 'alice@example.org', uid: 1001, gid: 100 });
    const container = pod(ms, 'notebook').containers[0];
    expect(container.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/run/secrets/identity' }));
    expect(JSON.stringify(container.env)).not.toContain('alice@example.org');
  });

  it('tells the app its base URL, which is the prefix it is served under', () => {
    const ms = objects(APP, { user: 'bob' });
    const env = pod(ms, 'notebook').containers[0].env;
    expect(env).toContainEqual({ name: 'NB_PREFIX', value: '/private/notebook/bob/0123456789ab' });
    const service = ms.find((m) => m.kind === 'Service' && m.metadata.name === 'notebook')!;
    expect(service.metadata.annotations['getambassador.io/config']).toMatch(/prefix: \/private\/notebook\/bob\/0123456789ab\/\n/);
    expect(service.metadata.annotations['getambassador.io/config']).toMatch(/rewrite: \/private\/notebook\/bob\/0123456789ab\/\n/);
  });

  it('gives the chosen resources to the services users reach, and no init container without a uid', () => {
    const ms = objects(APP, { user: 'bob', cpu: '1500m', gpus: 1 });
    const spec = pod(ms, 'notebook');
    expect(spec.containers[0].resources.limits).toEqual({ cpu: '1500m', memory: '1Gi', 'nvidia.com/gpu': '1' });
    expect(spec.initContainers).toBeUndefined();
    expect(spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    // An app's GPU settings: another vendor's resource, and no taint to tolerate.
    const amd = pod(objects({ ...APP, gpu: { resource: 'amd.com/gpu', toleration: false } }, { user: 'bob', gpus: 1 }), 'notebook');
    expect(amd.containers[0].resources.limits).toEqual({ cpu: '1', memory: '1Gi', 'amd.com/gpu': '1' });
    expect(amd.tolerations).toBeUndefined();
    expect(pod(ms, 'cache').containers[0].resources).toBeUndefined();
    // The compose file reserves 256M: under a smaller limit the reservation comes down to it.
    const small = pod(objects(APP, { user: 'bob', memory: '128Mi' }), 'notebook').containers[0].resources;
    expect(small).toEqual({ limits: { cpu: '1', memory: '128Mi' }, requests: { memory: '128Mi' } });
    expect(pod(objects(APP, { user: 'bob', memory: '2Gi' }), 'notebook').containers[0].resources.requests).toEqual({ memory: '256Mi' });
  });

  it('makes no probes of healthchecks for an app whose registry entry says probes: false', () => {
    const compose = join(dir, 'checked.yaml');
    writeFileSync(compose, 'services:\n  app:\n    image: x\n    healthcheck: {test: ["CMD", "true"]}\n');
    const checked: LaunchableApp = { ...APP, compose: { path: compose }, expose: {}, proxy: undefined };
    expect(pod(objects(checked, { user: 'bob' }), 'app').containers[0].livenessProbe).toBeDefined();
    expect(pod(objects({ ...checked, probes: false }, { user: 'bob' }), 'app').containers[0].livenessProbe).toBeUndefined();
  });

  it('refuses what the app does not allow before anything is made', () => {
    expect(resourceProblems('notebook', { cpu: '3', memory: '8Gi', gpus: 2 }, APP.resources)).toEqual([
      'cpu 3 is more than app notebook allows (2)',
      'memory 8Gi is more than app notebook allows (4Gi)',
      'gpus 2 is more than app notebook allows (1)',
    ]);
    expect(resourceProblems('notebook', { cpu: 'lots' }, APP.resources)).toEqual(['cpu "lots" is not a quantity such as 500m or 2']);
    expect(resourceProblems('plain', { gpus: 1 }, { defaults: {}, max: {} })).toEqual(['gpus 1 is more than app plain allows (0)']);
    const broken: LaunchableApp = { ...APP, compose: { text: 'services:\n  x:\n    imag: nope\n', name: 'compose.yaml' } };
    const refusal = (() => { try { objects(broken, { user: 'bob' }); } catch (e) { return e; } })() as LaunchRefused;
    expect(refusal).toBeInstanceOf(LaunchRefused);
    expect(refusal.reason).toBe('compile');
    expect(refusal.diagnostics.map((d) => d.code)).toContain('TYC0301');
  });
});
