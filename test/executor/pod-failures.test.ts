import { describe, expect, it } from 'vitest';
import { stuckContainer } from '../../src/executor/pod-failures.js';

const pod = (status: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' }, status });
const waiting = (name: string, reason: string, message?: string, extra: object = {}) => ({ name, state: { waiting: { reason, ...(message ? { message } : {}) } }, ...extra });

describe('stuckContainer', () => {
  it('names the container and the kubelet’s reason and message', () => {
    const p = pod({ containerStatuses: [waiting('web', 'CreateContainerConfigError', 'container has runAsNonRoot and image will run as root')] });
    expect(stuckContainer(p)).toBe('container web: CreateContainerConfigError: container has runAsNonRoot and image will run as root');
  });

  it('gives a crash loop’s last exit rather than its back-off message', () => {
    const p = pod({
      containerStatuses: [waiting('app', 'CrashLoopBackOff', 'back-off 10s restarting failed container=app pod=web-1_ns(uid)', {
        lastState: { terminated: { exitCode: 127, reason: 'Error', message: 'sh: python: not found\n' } },
      })],
    });
    expect(stuckContainer(p)).toBe('container app: CrashLoopBackOff: exited with code 127 (Error): sh: python: not found');
  });

  it('reports init containers first, as they run first', () => {
    const p = pod({
      initContainerStatuses: [waiting('init', 'ErrImageNeverPull', 'Container image "x:1" is not present with pull policy of Never')],
      containerStatuses: [waiting('web', 'PodInitializing')],
    });
    expect(stuckContainer(p)).toBe('container init: ErrImageNeverPull: Container image "x:1" is not present with pull policy of Never');
  });

  it('lets states that pass on their own pass: creating, initialising, a first failed pull', () => {
    for (const reason of ['ContainerCreating', 'PodInitializing', 'ErrImagePull']) {
      expect(stuckContainer(pod({ containerStatuses: [waiting('web', reason, 'working on it')] }))).toBeUndefined();
    }
    expect(stuckContainer(pod({ containerStatuses: [{ name: 'web', state: { running: { startedAt: 'now' } } }] }))).toBeUndefined();
    expect(stuckContainer(pod({}))).toBeUndefined();
  });
});
