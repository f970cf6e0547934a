import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/diagnostics.js';
import { loadProject } from '../../../src/frontend/load.js';
import { normalizeProject } from '../../../src/frontend/normalize/index.js';
import type { ServiceSettings, System } from '../../../src/model/system.js';

/** The system of a compose text and its diagnostics as `line:col severity CODE message`. */
function normalized(compose: string): { system: System; messages: string[] } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-kompose-')));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  const diagnostics: Diagnostic[] = [];
  const project = loadProject({ files: ['compose.yaml'], cwd: dir, env: {}, projectName: 'demo' }, diagnostics);
  const system = normalizeProject(project!, {}, diagnostics);
  return { system, messages: diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.severity} ${d.code} ${d.message}`) };
}

/** The settings of service `a`, given as a labels block, and the diagnostics. */
function labelled(labels: Record<string, string>, more = ''): { settings: ServiceSettings; messages: string[] } {
  const lines = Object.entries(labels).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}\n`).join('');
  const { system, messages } = normalized(`services:\n  a:\n    image: x\n    labels:\n${lines}${more}`);
  return { settings: system.services[0]!.settings, messages };
}

/** Just the values of some settings. */
function values(settings: ServiceSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, (v as { value: unknown }).value]));
}

describe('Kompose labels', () => {
  it('are read where x-tycho is silent, and x-tycho wins with a warning where both speak', () => {
    const { settings, messages } = labelled({ 'kompose.service.type': 'nodeport', 'kompose.controller.type': 'statefulset' }, '    x-tycho:\n      expose: LoadBalancer\n');
    expect(values(settings)).toEqual({ expose: 'LoadBalancer', controller: 'statefulset' });
    expect(messages).toEqual(['5:7 warning TYC0509 `kompose.service.type` of service `a` is overridden by `x-tycho.expose`']);
  });

  it('takes a ReplicationController as the Deployment that replaced it', () => {
    const { settings, messages } = labelled({ 'kompose.controller.type': 'replicationcontroller' });
    expect(values(settings)).toEqual({ controller: 'deployment' });
    expect(messages).toEqual(['5:7 warning TYC0602 `kompose.controller.type: replicationcontroller` becomes a Deployment, which replaced ReplicationControllers']);
  });

  it('reports labels tychoc does not know as dropped', () => {
    expect(labelled({ 'kompose.service.colour': 'blue' }).messages).toEqual([
      '5:7 warning TYC0502 label `kompose.service.colour` of service `a` is a Kompose option tychoc does not honour; it is dropped',
    ]);
  });

  it('reads the Service, Ingress and image labels', () => {
    const { settings, messages } = labelled({
      'kompose.service.nodeport.port': '30080',
      'kompose.service.external-traffic-policy': 'local',
      'kompose.controller.port.expose': 'true',
      'kompose.service.expose': ' example.com/api, true ,*.example.org,',
      'kompose.service.expose.tls-secret': 'site-tls',
      'kompose.service.expose.ingress-class-name': 'nginx',
      'kompose.image-pull-policy': 'Always',
      'kompose.image-pull-secret': 'regcred',
      'kompose.security-context.fsgroup': '2000',
      'kompose.service.group': 'pair',
    });
    expect(messages).toEqual([]);
    expect(values(settings)).toEqual({
      nodePort: 30080,
      externalTrafficPolicy: 'Local',
      hostPorts: true,
      ingress: { rules: [{ host: 'example.com', path: '/api' }, { path: '/' }, { host: '*.example.org', path: '/' }], tls: 'site-tls', className: 'nginx' },
      pullPolicy: 'Always',
      pullSecret: 'regcred',
      fsGroup: 2000,
      group: 'pair',
    });
  });

  it('takes TLS with the default certificate, and no Ingress for false', () => {
    expect(values(labelled({ 'kompose.service.expose': 'true', 'kompose.service.expose.tls-secret': 'true' }).settings)).toEqual({ ingress: { rules: [{ path: '/' }], tls: true } });
    expect(labelled({ 'kompose.service.expose': 'false' }).settings).toEqual({});
  });

  it('reports bad Service, Ingress and image values at their labels', () => {
    const { settings, messages } = labelled({
      'kompose.service.nodeport.port': '70000',
      'kompose.service.external-traffic-policy': 'nearest',
      'kompose.controller.port.expose': 'yes',
      'kompose.service.expose': 'Example.com',
      'kompose.image-pull-policy': 'Fail',
      'kompose.image-pull-secret': 'Reg_Cred',
      'kompose.security-context.fsgroup': 'wheel',
    });
    expect(settings).toEqual({});
    expect(messages).toEqual([
      '5:7 error TYC0303 `kompose.service.nodeport.port` must be a port from 1 to 65535, not "70000"',
      '6:7 error TYC0303 `kompose.service.external-traffic-policy` must be one of Cluster, Local, not "nearest"',
      '7:7 error TYC0303 `kompose.controller.port.expose` must be true or false, not "yes"',
      '8:7 error TYC0303 `kompose.service.expose` must list `true` or host names (lower-case, a path after them), not "Example.com"',
      '9:7 error TYC0303 `kompose.image-pull-policy` must be one of Always, IfNotPresent, Never, not "Fail"',
      "10:7 error TYC0303 `kompose.image-pull-secret` must name a Secret (lower-case letters, digits, '-' and '.'), not \"Reg_Cred\"",
      '11:7 error TYC0303 `kompose.security-context.fsgroup` must be a numeric group id from 0 to 2147483647, not "wheel"',
    ]);
  });

  it('refuses TLS or an Ingress class without an Ingress, as Kompose does', () => {
    expect(labelled({ 'kompose.service.expose.ingress-class-name': 'nginx' }).messages).toEqual([
      '5:7 error TYC0304 `kompose.service.expose.ingress-class-name` of service `a` needs `kompose.service.expose`, the Ingress it applies to',
    ]);
  });

  it('reads volume labels on services and on top-level volumes, each bad value at its label', () => {
    const { system, messages } = normalized(
      'services:\n  a:\n    image: x\n    labels:\n      kompose.volume.type: tmpfs\n      kompose.volume.subpath: /data\n      kompose.volume.size: lots\nvolumes:\n  data:\n    labels:\n      kompose.volume.selector: "no such"\n      kompose.volume.type: emptyDir\n      team: db\n',
    );
    expect(system.services[0]!.settings).toEqual({});
    expect(system.volumes[0]!.labels.map((l) => l.key)).toEqual(['team']);
    expect(messages).toEqual([
      '7:7 error TYC0303 `kompose.volume.size` must be a Kubernetes quantity such as 5Gi or 500Mi, not "lots"',
      '5:7 error TYC0303 `kompose.volume.type` must be one of persistentVolumeClaim, emptyDir, hostPath, configMap, not "tmpfs"',
      '6:7 error TYC0303 `kompose.volume.subpath` must be a relative path inside the volume, without `..`, not "/data"',
      "11:7 error TYC0303 `kompose.volume.selector` must be a label value (letters, digits, '-', '_' and '.', at most 63), not \"no such\"",
      '12:7 warning TYC0502 label `kompose.volume.type` of volume `data` is a Kompose option tychoc does not honour on volumes; it is dropped',
    ]);
  });

  it('reads liveness and readiness checks, a readiness test as a healthcheck test is read', () => {
    const { settings, messages } = labelled({
      'kompose.service.healthcheck.liveness.http_get_path': '/health',
      'kompose.service.healthcheck.liveness.http_get_port': '8080',
      'kompose.service.healthcheck.readiness.test': '["CMD", "curl", "-f", "http://localhost:8081/ready"]',
      'kompose.service.healthcheck.readiness.interval': '10s',
      'kompose.service.healthcheck.readiness.timeout': '1s',
      'kompose.service.healthcheck.readiness.retries': '5',
      'kompose.service.healthcheck.readiness.start_period': '1m',
    });
    expect(messages).toEqual([]);
    expect(values(settings)).toEqual({
      checks: {
        liveness: { type: 'http', path: '/health', port: 8080 },
        readiness: { disabled: false, action: { type: 'exec', command: ['curl', '-f', 'http://localhost:8081/ready'] }, intervalSeconds: 10, timeoutSeconds: 1, retries: 5, startPeriodSeconds: 60 },
      },
    });
    expect(values(labelled({ 'kompose.service.healthcheck.readiness.test': 'echo "live ness"', 'kompose.service.healthcheck.liveness.tcp_port': '3306' }).settings)).toEqual({
      checks: { liveness: { type: 'tcp', port: 3306 }, readiness: { disabled: false, action: { type: 'exec', command: ['echo', 'live ness'] } } },
    });
    expect(values(labelled({ 'kompose.service.healthcheck.readiness.disable': 'true' }).settings)).toEqual({ checks: { readiness: { disabled: true } } });
  });

  it('reports bad check values at their labels', () => {
    const { messages } = labelled({
      'kompose.service.healthcheck.liveness.http_get_path': '/health',
      'kompose.service.healthcheck.readiness.tcp_port': 'mysql',
      'kompose.service.healthcheck.readiness.interval': 'often',
      'kompose.service.healthcheck.readiness.retries': '0',
      'kompose.service.healthcheck.readiness.disable': 'maybe',
    });
    expect(messages).toEqual([
      '5:7 error TYC0304 `kompose.service.healthcheck.liveness.http_get_path` needs `kompose.service.healthcheck.liveness.http_get_port`, the port to ask',
      '6:7 error TYC0303 `kompose.service.healthcheck.readiness.tcp_port` must be a port from 1 to 65535, not "mysql"',
      '9:7 error TYC0303 `kompose.service.healthcheck.readiness.disable` must be true or false, not "maybe"',
      '7:7 error TYC0505 `kompose.service.healthcheck.readiness.interval` must be a duration such as 10s or 1m30s, not "often"',
      '8:7 error TYC0303 `kompose.service.healthcheck.readiness.retries` must be a whole number from 1 to 2147483647, not "0"',
    ]);
  });

  it('reads an init container: a JSON command, Kompose\'s comma list, or a command line', () => {
    const init = (command: string) => values(labelled({ 'kompose.init.containers.name': 'wait-db', 'kompose.init.containers.image': 'busybox:1.36', 'kompose.init.containers.command': command }).settings);
    const expected = { name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] };
    expect(init('["sh", "-c", "until nc -z db 5432; do sleep 1; done"]')).toEqual({ initContainer: expected });
    expect(init("sh -c 'until nc -z db 5432; do sleep 1; done'")).toEqual({ initContainer: expected });
    expect(init('[printenv, HOME]')).toEqual({ initContainer: { ...expected, command: ['printenv', 'HOME'] } });
    expect(values(labelled({ 'kompose.init.containers.image': 'busybox' }).settings)).toEqual({ initContainer: { name: 'init-service', image: 'busybox' } });
  });

  it('adds no init container without an image, and refuses a name Kubernetes cannot hold', () => {
    expect(labelled({ 'kompose.init.containers.command': 'true' }).messages).toEqual([
      '5:7 warning TYC0705 `kompose.init.containers.command` of service `a` has no effect without `kompose.init.containers.image`; no init container is added',
    ]);
    expect(labelled({ 'kompose.init.containers.name': 'Init_DB', 'kompose.init.containers.image': 'busybox' }).messages).toEqual([
      "5:7 error TYC0303 `kompose.init.containers.name` must be a container name (lower-case letters, digits and '-', at most 63), not \"Init_DB\"",
    ]);
  });

  it('reads the ephemeral storage request and limit, in deploy.labels as Kompose does', () => {
    const { system, messages } = normalized('services:\n  a:\n    image: x\n    deploy:\n      labels:\n        kompose.ephemeral-storage.request: 1Gi\n        kompose.ephemeral-storage.limit: lots\n');
    expect(values(system.services[0]!.settings)).toEqual({ ephemeralStorage: { request: '1Gi' } });
    expect(messages).toEqual(['7:9 error TYC0303 `kompose.ephemeral-storage.limit` must be a Kubernetes quantity such as 5Gi or 500Mi, not "lots"']);
  });
});
