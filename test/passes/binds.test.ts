import { describe, expect, it } from 'vitest';
import type { BindMount } from '../../src/model/system.js';
import { BINDS_VOLUME, bindsPass } from '../../src/passes/binds.js';
import { runPass, systemFrom } from './system-from.js';

describe('binds pass', () => {
  const placements = (system: ReturnType<typeof systemFrom>) => (system.services[0]!.container.mounts as BindMount[]).map((m) => m.placement);
  const bindsOf = (volumes: string) => `services:\n  a:\n    image: x\n    volumes: ${volumes}\n`;

  it('ships the project\'s files in ConfigMaps: a file alone, a directory with its layout and modes', () => {
    const { system, messages } = runPass(bindsPass(), systemFrom(bindsOf('["./nginx.conf:/etc/nginx/nginx.conf:ro", "./site:/srv/site:ro", "./nginx.conf:/copy.conf:ro"]'), {
      'nginx.conf': 'events {}\n',
      'site/index.html': '<p>hi</p>\n',
      'site/css/main.css': 'p {}\n',
    }));
    expect(messages).toEqual([]);
    expect(placements(system)).toEqual([
      { type: 'files', set: 'files-nginx-conf', file: 'nginx.conf' },
      { type: 'files', set: 'files-site' },
      { type: 'files', set: 'files-nginx-conf', file: 'nginx.conf' },
    ]);
    const sets = Object.fromEntries((system.projectFiles ?? []).map((s) => [s.name, [...s.files].map(([k, f]) => [k, f.path, f.mode, f.content.toString()])]));
    expect(sets).toEqual({
      'files-nginx-conf': [['nginx.conf', '', 0o644, 'events {}\n']],
      'files-site': [['css_main.css', 'css/main.css', 0o644, 'p {}\n'], ['index.html', 'index.html', 0o644, '<p>hi</p>\n']],
    });
    expect(system.volumes).toEqual([]);
  });

  it('says when a shipped mount was writable, and leaves the project\'s variables files out', () => {
    const { system, messages } = runPass(bindsPass(), systemFrom(bindsOf('["./app:/app"]'), { 'app/main.py': 'print(1)\n', 'app/.env': 'TOKEN=x\n' }));
    expect(messages).toEqual([
      'warning TYC0602 bind mount ./app:/app of service `a` ships the project\'s files in ConfigMap `demo-files-app`, read-only, though compose mounts it writable: writes would not reach the project; leaving out .env, whose variables may be secrets (give the service what it needs through `secrets:`)',
    ]);
    expect([...system.projectFiles![0]!.files.keys()]).toEqual(['main.py']);
  });

  it('places what cannot be shipped under the project claim by sub-path: missing, too large, or by policy', () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 'x');
    const { system, messages } = runPass(bindsPass(), systemFrom(bindsOf('["./conf/app:/etc/app", "./big.bin:/big.bin"]'), { 'big.bin': big }));
    expect(placements(system)).toEqual([
      { type: 'claim', claim: BINDS_VOLUME, subPath: 'conf/app' },
      { type: 'claim', claim: BINDS_VOLUME, subPath: 'big.bin' },
    ]);
    expect(messages[1]).toBe('warning TYC0502 bind mount ./big.bin:/big.bin of service `a` holds more than a ConfigMap can (1 MiB), so it becomes sub-path `big.bin` of claim `tychoc-binds`; copy the files there before the pods start');
    expect(system.volumes.map((v) => [v.name, v.claim])).toEqual([[BINDS_VOLUME, { size: '1Gi', accessMode: 'ReadWriteOnce' }]]);
    const claimed = runPass(bindsPass(), systemFrom(bindsOf('[".:/src"]'), { 'main.py': '' }), { volumes: { binds: 'claim' } });
    expect(placements(claimed.system)).toEqual([{ type: 'claim', claim: BINDS_VOLUME, subPath: '' }]);
  });

  it.each([
    ['../outside:/o', 'parent/outside'],
    ['/etc/app:/etc/app', 'host/etc/app'],
    ['~/.aws:/root/.aws', 'home/.aws'],
  ])('places %s, outside the project, in the claim under %s; volumes.outsideProject: reject refuses it', (volume, subPath) => {
    const placed = runPass(bindsPass(), systemFrom(bindsOf(`["${volume}"]`)));
    expect(placements(placed.system)).toEqual([{ type: 'claim', claim: BINDS_VOLUME, subPath }]);
    expect(placed.messages).toEqual([`warning TYC0502 bind mount ${volume} of service \`a\` is outside the project, so it becomes sub-path \`${subPath}\` of claim \`tychoc-binds\`; copy the files there before the pods start`]);
    const refused = runPass(bindsPass(), systemFrom(bindsOf(`["${volume}"]`)), { volumes: { outsideProject: 'reject' } });
    expect(refused.messages).toEqual([`error TYC0701 bind mount ${volume} of service \`a\` is outside the project directory, which the policy forbids (volumes.outsideProject: reject)`]);
    expect(refused.system.services[0]!.container.mounts).toEqual([]);
  });

  it.each([
    ['/etc/localtime:/etc/localtime:ro', "pods keep the image's time zone; set `TZ` (e.g. TZ: Europe/Berlin) in its environment for another"],
    ['/etc/timezone:/etc/timezone:ro', "pods keep the image's time zone; set `TZ` (e.g. TZ: Europe/Berlin) in its environment for another"],
    ['/var/run/docker.sock:/var/run/docker.sock', 'the service needs a Docker engine, which Kubernetes nodes do not offer'],
  ])('drops %s with a warning saying why', (volume, why) => {
    const { system, messages } = runPass(bindsPass(), systemFrom(bindsOf(`["${volume}"]`)));
    expect(messages).toEqual([`warning TYC0502 bind mount ${volume.split(':').slice(0, 2).join(':')} of service \`a\` is dropped: ${why}`]);
    expect(system.services[0]!.container.mounts).toEqual([]);
    expect(system.volumes).toEqual([]);
  });

  it('uses hostPath only for allowed absolute roots, with a warning', () => {
    const policy = { volumes: { binds: 'hostPath' as const, allowedHostRoots: ['/var/log'] } };
    const ok = runPass(bindsPass(), systemFrom('services:\n  a:\n    image: x\n    volumes: ["/var/log/app:/logs:ro"]\n'), policy);
    expect((ok.system.services[0]!.container.mounts[0] as BindMount).placement).toEqual({ type: 'hostPath' });
    expect(ok.messages).toEqual([
      "warning TYC0702 bind mount /var/log/app:/logs of service `a` uses the node's filesystem (hostPath), which the baseline Pod Security Standard forbids",
    ]);
    const outside = runPass(bindsPass(), systemFrom('services:\n  a:\n    image: x\n    volumes: ["/var/lib:/l"]\n'), policy);
    expect(outside.messages[0]).toMatch(/^error TYC0701 .* is outside the allowed host roots \(\/var\/log\)/);
  });

  it('places bind mounts as kompose.volume.type asks, within what the policy allows', () => {
    const labelled = (type: string) => `services:\n  a:\n    image: x\n    volumes: ["./site:/srv:ro"]\n    labels:\n      kompose.volume.type: ${type}\n`;
    const files = { 'site/index.html': '<p>hi</p>\n' };
    expect(placements(runPass(bindsPass(), systemFrom(labelled('emptyDir'), files)).system)).toEqual([{ type: 'emptyDir' }]);
    expect(placements(runPass(bindsPass(), systemFrom(labelled('persistentVolumeClaim'), files)).system)).toEqual([{ type: 'claim', claim: BINDS_VOLUME, subPath: 'site' }]);
    expect(runPass(bindsPass(), systemFrom(labelled('hostPath'), files)).messages).toEqual(['error TYC0701 bind mount ./site:/srv of service `a`: hostPath needs an absolute host path, not ./site']);
    expect(runPass(bindsPass(), systemFrom(labelled('emptyDir'), files), { volumes: { binds: 'reject' } }).messages).toEqual([
      'error TYC0701 bind mount ./site:/srv of service `a` is not allowed (policy volumes.binds: reject); use a named volume',
    ]);
  });
});
