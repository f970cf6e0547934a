import { describe, expect, it } from 'vitest';
import { volumesPass } from '../../src/passes/volumes.js';
import { runPass, systemFrom } from './system-from.js';

const withVolume = (services: string) => `services:\n${services}volumes:\n  data:\n`;

describe('volumes pass', () => {
  it('gives a named volume the policy claim, or the size and class its service asks for', () => {
    const plain = runPass(volumesPass(), systemFrom(withVolume('  a:\n    image: x\n    volumes: [data:/d]\n')));
    expect(plain.system.volumes[0]!.claim).toEqual({ size: '1Gi', accessMode: 'ReadWriteOnce' });
    const asked = runPass(
      volumesPass(),
      systemFrom(withVolume('  a:\n    image: x\n    volumes: [data:/d]\n    labels:\n      kompose.volume.size: 3Gi\n    x-tycho:\n      storage_class: fast\n')),
      { volumes: { size: '9Gi', storageClass: 'slow' } },
    );
    expect(asked.system.volumes[0]!.claim).toEqual({ size: '3Gi', accessMode: 'ReadWriteOnce', storageClass: 'fast' });
  });

  it.each([
    ['two services', '  a:\n    image: x\n    volumes: [data:/d]\n  b:\n    image: y\n    volumes: [data:/d]\n', '`a`, `b`'],
    ['replicas', '  a:\n    image: x\n    deploy: {replicas: 3}\n    volumes: [data:/d]\n', '`a`'],
    ['a DaemonSet', '  a:\n    image: x\n    deploy: {mode: global}\n    volumes: [data:/d]\n', '`a`'],
    // Found by fuzzing: a volume shared by 2 000 services was one warning of 2 000 names.
    ['many services, the first ten named', Array.from({ length: 12 }, (_, i) => `  s${String(i).padStart(2, '0')}:\n    image: x\n    volumes: [data:/d]\n`).join(''), '`s00`, `s01`, `s02`, `s03`, `s04`, `s05`, `s06`, `s07`, `s08`, `s09` and 2 more'],
  ])('warns about a ReadWriteOnce volume shared by %s, or makes it ReadWriteMany', (_, services, users) => {
    const warned = runPass(volumesPass(), systemFrom(withVolume(services)));
    expect(warned.messages).toEqual([
      `warning TYC0703 volume \`data\` is mounted by ${users} with more than one pod; ReadWriteOnce lets only one node mount it (set volumes.shared: rwx in the policy for ReadWriteMany)`,
    ]);
    const rwx = runPass(volumesPass(), systemFrom(withVolume(services)), { volumes: { shared: 'rwx' } });
    expect(rwx.messages).toEqual([]);
    expect(rwx.system.volumes[0]!.claim?.accessMode).toBe('ReadWriteMany');
  });

  it('sizes, classes and selects a claim by the volume\'s own Kompose labels before its services\'', () => {
    const { system, messages } = runPass(volumesPass(), systemFrom(
      'services:\n  a:\n    image: x\n    volumes: [data:/d]\n    labels:\n      kompose.volume.size: 3Gi\nvolumes:\n  data:\n    labels:\n      kompose.volume.size: 5Gi\n      kompose.volume.selector: fast-disk\n      kompose.volume.storage-class-name: ssd\n',
    ));
    expect(messages).toEqual([]);
    expect(system.volumes[0]!.claim).toEqual({ size: '5Gi', accessMode: 'ReadWriteOnce', storageClass: 'ssd', selector: 'fast-disk' });
  });

  it('mounts the sub-path Kompose asks for, and scratch space for kompose.volume.type: emptyDir', () => {
    const { system, messages } = runPass(volumesPass(), systemFrom(withVolume(
      '  a:\n    image: x\n    volumes: [data:/d, /anon]\n    labels:\n      kompose.volume.subpath: pg\n  b:\n    image: x\n    volumes: [data:/d]\n    labels:\n      kompose.volume.type: emptyDir\n  c:\n    image: x\n    volumes: [data:/d]\n    labels:\n      kompose.volume.type: hostPath\n',
    )));
    expect(system.services.map((s) => s.container.mounts.map((m) => (m.type === 'volume' ? [m.subPath, m.ephemeral] : [])))).toEqual([
      [['pg', undefined], ['pg', undefined]],
      [[undefined, true]],
      [[undefined, undefined]],
    ]);
    // b's scratch space does not share the claim: a and c do.
    expect(messages).toEqual([
      'warning TYC0705 volume `data` of service `c` has no host path, so `kompose.volume.type: hostPath` leaves it a claim',
      'warning TYC0703 volume `data` is mounted by `a`, `c` with more than one pod; ReadWriteOnce lets only one node mount it (set volumes.shared: rwx in the policy for ReadWriteMany)',
    ]);
  });
});
