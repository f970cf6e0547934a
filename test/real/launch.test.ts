import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from '../cluster/processes.js';
import { describeOnRealNode, useRealNode } from './real-node-fixture.js';

/**
 * An app of the sample registry (fixtures/registry) launched for a user on the real node: its home
 * is a directory of the shared claim made by the user, it writes there as the user, and the file
 * is in the shared claim's volume after the system has gone.
 */
const registry = new URL('../../fixtures/registry/apps.yaml', import.meta.url).pathname;

describeOnRealNode('an app launched for a user', () => {
  const t = useRealNode();
  const env = { TYCHOC_REGISTRY: registry, TYCHOC_CONTEXT: 'research' };
  let homesPath = '';

  afterAll(async () => {
    await t.api.delete('/api/v1/namespaces/apps', true);
  });

  it('writes to the user\'s home as the user, and the file stays in the shared claim', async () => {
    await t.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await t.api.create('/api/v1/namespaces/apps/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'homes' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const claim = await waitFor('the homes claim to be bound', 60_000, async () => {
      const c = await t.api.get('/api/v1/namespaces/apps/persistentvolumeclaims/homes');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    homesPath = (await t.api.get(`/api/v1/persistentvolumes/${claim.spec.volumeName}`)).spec.local.path;

    const launched = await t.tychoc(['launch', 'hello', '--user', 'alice@example.org', '--uid', '10001', '--gid', '10001', '-o', 'json'], undefined, env);
    expect(launched.stderr).toBe('');
    const { sid, namespace } = JSON.parse(launched.stdout);
    const pod = await waitFor('the app to run', 120_000, async () => {
      const pods = (await t.api.get(`/api/v1/namespaces/${namespace}/pods?labelSelector=tycho-guid%3D${sid}`)).items;
      return pods[0]?.status?.containerStatuses?.[0]?.ready ? pods[0] : undefined;
    });
    const dir = 'alice-example.org-7a64adf287';
    const wrote = await t.exec(namespace, pod.metadata.name, `id -u; echo from-alice > /home/${dir}/note; cat /run/secrets/identity; ls -d /home/shared`);
    expect(wrote.stderr).toBe('');
    expect(wrote.stdout).toBe(`10001\n{"username":"alice@example.org","uid":10001,"gid":10001}/home/shared\n`);

    // On the node: the user's directory and file, the user's; the shared one open to every user.
    const home = statSync(join(homesPath, dir));
    expect([home.uid, home.gid]).toEqual([10001, 10001]);
    const note = join(homesPath, dir, 'note');
    expect(readFileSync(note, 'utf8')).toBe('from-alice\n');
    expect(statSync(note).uid).toBe(10001);
    expect(statSync(join(homesPath, 'shared')).mode & 0o7777).toBe(0o1777);

    expect((await t.tychoc(['stop', sid], undefined, env)).code).toBe(0);
    await waitFor('the system\'s homes volume to go', 60_000, async () => ((await t.api.request('GET', `/api/v1/persistentvolumes/tychoc-home-${sid}`)).status === 404 ? true : undefined));
    expect(readFileSync(note, 'utf8')).toBe('from-alice\n');
  });
});
