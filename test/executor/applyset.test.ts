import { describe, expect, it } from 'vitest';
import { applySetId, parentGroupKinds, parentName, parentObject, systemBaseName } from '../../src/executor/applyset.js';

describe('ApplySet parent', () => {
  it('has the id kubectl computes: applyset-<base64url(sha256(name.namespace.Kind.group))>-v1', () => {
    // The label `KUBECTL_APPLYSET=true kubectl apply --applyset=configmaps/applyset-foo -n default` put on its parent.
    expect(applySetId('applyset-foo', 'default')).toBe('applyset--vCOkg2T9lxONXuCpQChRF-hy2d5ksd8RFBqIfiAE4Y-v1');
    expect(applySetId('applyset-foo', 'default', 'Secret')).not.toBe(applySetId('applyset-foo', 'default'));
  });

  it('is named after the system and lists its group kinds sorted, without duplicates', () => {
    const id = { app: 'my_shop', sid: '0123456789ab' };
    expect(systemBaseName(id)).toBe('my-shop-0123456789ab');
    expect(parentName(id)).toBe('applyset-my-shop-0123456789ab');
    const parent = parentObject(id, 'ns', 'tychoc/1.0.0', ['Service', 'Deployment.apps', 'Service']);
    expect(parent.metadata).toMatchObject({
      name: 'applyset-my-shop-0123456789ab',
      namespace: 'ns',
      labels: { 'tycho-guid': '0123456789ab', executor: 'tycho', 'applyset.kubernetes.io/id': applySetId('applyset-my-shop-0123456789ab', 'ns') },
      annotations: { 'applyset.kubernetes.io/tooling': 'tychoc/1.0.0', 'applyset.kubernetes.io/contains-group-kinds': 'Deployment.apps,Service' },
    });
    expect(parentGroupKinds(parent as never)).toEqual(['Deployment.apps', 'Service']);
    expect(parentGroupKinds(undefined)).toEqual([]);
  });

  it('keeps the system id whole when the project name is long', () => {
    const base = systemBaseName({ app: 'a'.repeat(80), sid: '0123456789ab' });
    expect(base).toHaveLength(63);
    expect(base.endsWith('-0123456789ab')).toBe(true);
  });
});
