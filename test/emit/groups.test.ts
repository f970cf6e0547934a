import { describe, expect, it } from 'vitest';
import { mergePodSpecs } from '../../src/emit/groups.js';

describe('mergePodSpecs', () => {
  it('puts containers side by side, shares named volumes, gives each its own scratch space and the weaker pod context', () => {
    const restricted = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const baseline = { seccompProfile: { type: 'RuntimeDefault' } };
    const claim = { name: 'vol-logs', persistentVolumeClaim: { claimName: 'p-logs' } };
    const merged = mergePodSpecs([
      { service: 'web', spec: { securityContext: restricted, containers: [{ name: 'web', volumeMounts: [{ name: 'vol-logs', mountPath: '/l' }, { name: 'anon-1', mountPath: '/t' }] }], volumes: [claim, { name: 'anon-1', emptyDir: {} }], imagePullSecrets: [{ name: 'reg' }] } },
      { service: 'log', spec: { securityContext: baseline, containers: [{ name: 'log', volumeMounts: [{ name: 'vol-logs', mountPath: '/l' }, { name: 'anon-1', mountPath: '/s' }] }], volumes: [claim, { name: 'anon-1', emptyDir: {} }], imagePullSecrets: [{ name: 'reg' }] } },
    ]);
    expect(merged).toEqual({
      securityContext: baseline,
      containers: [
        { name: 'web', volumeMounts: [{ name: 'vol-logs', mountPath: '/l' }, { name: 'anon-1', mountPath: '/t' }] },
        { name: 'log', volumeMounts: [{ name: 'vol-logs', mountPath: '/l' }, { name: 'log-anon-1', mountPath: '/s' }] },
      ],
      imagePullSecrets: [{ name: 'reg' }],
      volumes: [claim, { name: 'anon-1', emptyDir: {} }, { name: 'log-anon-1', emptyDir: {} }],
    });
  });
});
