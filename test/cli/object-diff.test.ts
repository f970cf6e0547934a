import { describe, expect, it } from 'vitest';
import { objectDiff } from '../../src/cli/object-diff.js';
import type { ObjectState } from '../../src/executor/diff.js';

const configMaps = { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true };
const secrets = { ...configMaps, kind: 'Secret', resource: 'secrets' };
const object = (kind: string, data: Record<string, string>, server: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind, metadata: { name: 'app', namespace: 'shop', ...server }, data,
});

describe('objectDiff', () => {
  it('leaves out what the server keeps for itself', () => {
    const live = { ...object('ConfigMap', { a: '1' }, { uid: 'u', resourceVersion: '1', creationTimestamp: 't', generation: 1, managedFields: [{ manager: 'tychoc' }] }), status: { x: 1 } };
    const merged = { ...object('ConfigMap', { a: '1' }, { uid: 'u', resourceVersion: '2', creationTimestamp: 't', generation: 2, managedFields: [{ manager: 'other' }] }), status: { x: 2 } };
    expect(objectDiff({ ref: 'configmap/app', type: configMaps, name: 'app', namespace: 'shop', live, merged })).toBeUndefined();
  });

  it('prints a unified diff of sorted YAML under kubectl diff\'s file names', () => {
    const state: ObjectState = { ref: 'configmap/app', type: configMaps, name: 'app', namespace: 'shop', live: object('ConfigMap', { b: 'x', a: '1' }), merged: object('ConfigMap', { a: '2', b: 'x' }) };
    expect(objectDiff(state)).toEqual({
      ref: 'configmap/app',
      change: 'update',
      diff: [
        'diff -u -N live/v1.ConfigMap.shop.app merged/v1.ConfigMap.shop.app',
        '--- live/v1.ConfigMap.shop.app',
        '+++ merged/v1.ConfigMap.shop.app',
        '@@ -1,6 +1,6 @@',
        ' apiVersion: v1',
        ' data:',
        "-  a: '1'",
        "+  a: '2'",
        '   b: x',
        ' kind: ConfigMap',
        ' metadata:',
        '',
      ].join('\n'),
    });
  });

  it('masks Secret values as kubectl diff does', () => {
    const state: ObjectState = { ref: 'secret/app', type: secrets, name: 'app', namespace: 'shop', live: object('Secret', { same: 'YQ==', changed: 'Yg==' }), merged: object('Secret', { same: 'YQ==', changed: 'Yw==', added: 'ZA==' }) };
    const diff = objectDiff(state)!.diff;
    expect(diff).not.toMatch(/YQ==|Yg==|Yw==|ZA==/);
    expect(diff.split('\n').filter((l) => /^[-+ ] {2}\w+:/.test(l))).toEqual([
      "-  changed: '*** (before)'",
      "+  added: '***'",
      "+  changed: '*** (after)'",
      "   same: '***'",
    ]);
    expect(objectDiff({ ...state, live: undefined })!.change).toBe('create');
    expect(objectDiff({ ...state, merged: undefined })!.change).toBe('delete');
  });
});
