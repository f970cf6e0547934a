import { describe, expect, it } from 'vitest';
import { labelsPass } from '../../src/passes/labels.js';
import { probesPass } from '../../src/passes/probes.js';
import { resourcesPass } from '../../src/passes/resources.js';
import { runPass, systemFrom } from './system-from.js';

describe('probes pass', () => {
  it('turns a healthcheck into exec probes with docker defaults where timings are missing', () => {
    const { system } = runPass(probesPass(), systemFrom('services:\n  a:\n    image: x\n    healthcheck:\n      test: ["CMD", "true"]\n      start_period: 65s\n'));
    const check = { action: { type: 'exec', command: ['true'] }, timing: { periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 } };
    expect(system.services[0]!.container.probes).toEqual({ liveness: check, readiness: check, startupFailureThreshold: 6 });
  });

  it('uses an x-tycho HTTP probe with the healthcheck timings', () => {
    const { system } = runPass(probesPass(), systemFrom('services:\n  a:\n    image: x\n    healthcheck:\n      interval: 5s\n      timeout: 500ms\n    x-tycho:\n      probe:\n        http: {path: /up, port: 8080}\n'));
    const check = { action: { type: 'http', path: '/up', port: 8080 }, timing: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 } };
    expect(system.services[0]!.container.probes).toEqual({ liveness: check, readiness: check });
  });

  it('gives readiness its own check, timings and delay from Kompose labels, and liveness the labels\' HTTP or TCP check', () => {
    const { system } = runPass(probesPass(), systemFrom(
      'services:\n  a:\n    image: x\n    healthcheck:\n      interval: 10s\n      timeout: 1s\n      retries: 5\n    labels:\n      kompose.service.healthcheck.liveness.tcp_port: 8080\n      kompose.service.healthcheck.readiness.tcp_port: 9090\n      kompose.service.healthcheck.readiness.interval: 20s\n      kompose.service.healthcheck.readiness.start_period: 30s\n' +
        '  b:\n    image: x\n    healthcheck:\n      test: ["CMD", "true"]\n    labels:\n      kompose.service.healthcheck.readiness.disable: "true"\n' +
        '  c:\n    image: x\n    labels:\n      kompose.service.healthcheck.readiness.http_get_port: 8081\n',
    ));
    const timing = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 5 };
    const docker = { periodSeconds: 30, timeoutSeconds: 30, failureThreshold: 3 };
    expect(system.services.map((s) => s.container.probes)).toEqual([
      { liveness: { action: { type: 'tcp', port: 8080 }, timing }, readiness: { action: { type: 'tcp', port: 9090 }, timing: { ...timing, periodSeconds: 20, initialDelaySeconds: 30 } } },
      { liveness: { action: { type: 'exec', command: ['true'] }, timing: docker } },
      { readiness: { action: { type: 'http', path: '/', port: 8081 }, timing: docker } },
    ]);
  });

  it('warns that x-tycho.probe overrides the liveness labels', () => {
    const { system, messages } = runPass(probesPass(), systemFrom('services:\n  a:\n    image: x\n    labels:\n      kompose.service.healthcheck.liveness.tcp_port: 8080\n    x-tycho:\n      probe:\n        tcp: {port: 9090}\n'));
    expect(system.services[0]!.container.probes?.liveness?.action).toEqual({ type: 'tcp', port: 9090 });
    expect(messages).toEqual(['warning TYC0509 the liveness labels of service `a` are overridden by `x-tycho.probe`']);
  });

  it('adds no probe without a healthcheck or when it is disabled', () => {
    const { system } = runPass(probesPass(), systemFrom('services:\n  a:\n    image: x\n  b:\n    image: x\n    healthcheck:\n      test: ["NONE"]\n'));
    expect(system.services.map((s) => s.container.probes)).toEqual([undefined, undefined]);
  });
});

describe('resources pass', () => {
  it('asks for one GPU when compose asks for all, with a warning', () => {
    const { system, messages } = runPass(resourcesPass(), systemFrom('services:\n  a:\n    image: x\n    gpus: all\n'));
    expect(system.services[0]!.container.resources.gpus?.count).toBe(1);
    expect(messages).toEqual(['warning TYC0602 service `a` asks for all GPUs; Kubernetes needs a number, so 1 is requested (set count)']);
  });

  it('follows a controller setting', () => {
    const { system } = runPass(resourcesPass(), systemFrom('services:\n  a:\n    image: x\n    scale: 2\n    x-tycho:\n      controller: statefulset\n  b:\n    image: x\n    labels:\n      kompose.controller.type: daemonset\n'));
    expect(system.services.map((s) => s.workload)).toEqual([{ type: 'replicated', replicas: 2, stateful: true }, { type: 'global' }]);
  });
});

describe('labels pass', () => {
  it('derives a stable system id from the project name unless one is given', () => {
    const system = systemFrom('services:\n  a:\n    image: x\n');
    const first = runPass(labelsPass(), system).system.labels;
    expect(runPass(labelsPass(), system).system.labels).toEqual(first);
    expect(first['tycho-guid']).toMatch(/^[0-9a-f]{12}$/);
    expect(runPass(labelsPass(), system, undefined, { sid: 'abc123', username: 'ann@example.org' }).system.labels).toEqual({
      executor: 'tycho', 'app-name': 'demo', name: 'demo-abc123', 'tycho-guid': 'abc123', username: 'ann-example.org-438c4c7afe',
    });
  });

  it('gives two usernames two label values, even when only their punctuation differs', () => {
    const label = (username: string) => runPass(labelsPass(), systemFrom('services:\n  a:\n    image: x\n'), undefined, { username }).system.labels['username'];
    expect(label('ann')).toBe('ann');
    expect(label('ann@example.org')).not.toBe(label('ann-example.org'));
    expect(label('a'.repeat(70))).toHaveLength(63);
  });
});
