import { describe, expect, it } from 'vitest';
import type { BindMount } from '../../src/model/system.js';
import { BINDS_VOLUME, volumesPass } from '../../src/passes/volumes.js';
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
  ])('warns about a ReadWriteOnce volume shared by %s, or makes it ReadWriteMany', (_, services, users) => {
    const warned = runPass(volumesPass(), systemFrom(withVolume(services)));
    expect(warned.messages).toEqual([
      `warning TYC0703 volume \`data\` is mounted by ${users} with more than one pod; ReadWriteOnce lets only one node mount it (set volumes.shared: rwx in the policy for ReadWriteMany)`,
    ]);
    const rwx = runPass(volumesPass(), systemFrom(withVolume(services)), { volumes: { shared: 'rwx' } });
    expect(rwx.messages).toEqual([]);
    expect(rwx.system.volumes[0]!.claim?.accessMode).toBe('ReadWriteMany');
  });

  it('places bind mounts under the project claim by sub-path', () => {
    const { system } = runPass(volumesPass(), systemFrom('services:\n  a:\n    image: x\n    volumes: ["./conf/app:/etc/app", ".:/src"]\n'));
    const binds = system.services[0]!.container.mounts as BindMount[];
    expect(binds.map((m) => m.placement)).toEqual([
      { type: 'claim', claim: BINDS_VOLUME, subPath: 'conf/app' },
      { type: 'claim', claim: BINDS_VOLUME, subPath: '' },
    ]);
    expect(system.volumes.map((v) => [v.name, v.claim])).toEqual([[BINDS_VOLUME, { size: '1Gi', accessMode: 'ReadWriteOnce' }]]);
  });

  it.each([
    ['../outside:/o', 'escapes the project directory'],
    ['/etc:/host-etc', 'is outside the allowed host roots'],
    ['~/.aws:/root/.aws', 'is outside the allowed host roots'],
  ])('refuses %s', (volume, why) => {
    const { system, messages } = runPass(volumesPass(), systemFrom(`services:\n  a:\n    image: x\n    volumes: ["${volume}"]\n`));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`error TYC0701 bind mount ${volume.split(':').slice(0, 2).join(':')} of service \`a\` ${why}`);
    expect(system.services[0]!.container.mounts).toEqual([]);
  });

  it('uses hostPath only for allowed absolute roots, with a warning', () => {
    const policy = { volumes: { binds: 'hostPath' as const, allowedHostRoots: ['/var/log'] } };
    const ok = runPass(volumesPass(), systemFrom('services:\n  a:\n    image: x\n    volumes: ["/var/log/app:/logs:ro"]\n'), policy);
    expect((ok.system.services[0]!.container.mounts[0] as BindMount).placement).toEqual({ type: 'hostPath' });
    expect(ok.messages).toEqual([
      "warning TYC0702 bind mount /var/log/app:/logs of service `a` uses the node's filesystem (hostPath), which the restricted Pod Security Standard forbids",
    ]);
    const outside = runPass(volumesPass(), systemFrom('services:\n  a:\n    image: x\n    volumes: ["/var/lib:/l"]\n'), policy);
    expect(outside.messages[0]).toMatch(/^error TYC0701 .* is outside the allowed host roots \(\/var\/log\)/);
  });
});
