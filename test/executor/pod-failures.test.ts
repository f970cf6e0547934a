import { describe, expect, it } from 'vitest';
import { exitOf, stuckContainer } from '../../src/executor/pod-failures.js';

const pod = (status: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' }, status });
const waiting = (name: string, reason: string, message?: string, extra: object = {}) => ({ name, state: { waiting: { reason, ...(message ? { message } : {}) } }, ...extra });

describe('stuckContainer', () => {
  it('names the container and the kubelet’s reason and message', () => {
    const p = pod({ containerStatuses: [waiting('web', 'CreateContainerConfigError', 'container has runAsNonRoot and image will run as root')] });
    expect(stuckContainer(p)).toBe('container web: CreateContainerConfigError: container has runAsNonRoot and image will run as root');
  });

  it('gives a crash loop’s last exit rather than its back-off message, once it has restarted three times', () => {
    const looping = (restartCount: number) => pod({
      containerStatuses: [waiting('app', 'CrashLoopBackOff', 'back-off 40s restarting failed container=app pod=web-1_ns(uid)', {
        restartCount,
        lastState: { terminated: { exitCode: 127, reason: 'Error', message: 'sh: python: not found\n' } },
      })],
    });
    expect(stuckContainer(looping(3))).toBe('container app: CrashLoopBackOff: exited with code 127 (Error): sh: python: not found');
    // An app may exit until what it needs is up (compose's depends_on): it gets time to settle.
    expect(stuckContainer(looping(2))).toBeUndefined();
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

  it('gives a failed container’s last log line, which its termination message ends with', () => {
    const terminated = { exitCode: 1, reason: 'Error', message: 'starting\nerror: database is uninitialized and POSTGRES_PASSWORD is not set\n\n' };
    expect(exitOf(terminated)).toBe('exited with code 1 (Error): error: database is uninitialized and POSTGRES_PASSWORD is not set');
    expect(exitOf({ exitCode: 0, reason: 'Completed' })).toBe('exited with code 0 (Completed)');
  });
});
