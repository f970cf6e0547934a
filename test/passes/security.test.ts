import { describe, expect, it } from 'vitest';
import { securityPass } from '../../src/passes/security.js';
import { runPass, systemFrom } from './system-from.js';

const security = (compose: string, policy?: Parameters<typeof runPass>[2]) => {
  const { system, messages } = runPass(securityPass(), systemFrom(compose), policy);
  return { s: system.services[0]!.container.security, messages };
};
const RESTRICTED = { security: { profile: 'restricted' as const } };

describe('security pass', () => {
  it('keeps an ordinary service at baseline: the image may start as root and drop to its own user', () => {
    const { s, messages } = security('services:\n  a:\n    image: x\n');
    expect(s).toMatchObject({ profile: 'baseline', privileged: false, capAdd: [], hostNetwork: false });
    expect(s.fsGroup).toBeUndefined();
    expect(messages).toEqual([]);
  });

  it('makes a service with a numeric non-root user restricted, its group owning its files', () => {
    expect(security('services:\n  a:\n    image: x\n    user: "1000:2000"\n').s).toMatchObject({ profile: 'restricted', runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 });
    expect(security('services:\n  a:\n    image: x\n    user: "1000"\n').s).toMatchObject({ profile: 'restricted', runAsUser: 1000, fsGroup: 1000 });
  });

  it.each(['root', '0', '0:0'])('keeps user %j at baseline, without a warning', (user) => {
    const { s, messages } = security(`services:\n  a:\n    image: x\n    user: "${user}"\n`);
    expect(s.profile).toBe('baseline');
    expect(messages).toEqual([]);
  });

  it('adds the capabilities baseline allows, silently, and drops what cap_drop names', () => {
    const { s, messages } = security('services:\n  a:\n    image: x\n    cap_add: [CAP_NET_BIND_SERVICE, CHOWN, SYS_CHROOT]\n    cap_drop: [cap_net_raw]\n');
    expect(s).toMatchObject({ capAdd: ['NET_BIND_SERVICE', 'CHOWN', 'SYS_CHROOT'], capDrop: ['NET_RAW'], profile: 'baseline' });
    expect(messages).toEqual([]);
  });

  it('keeps a non-root service that adds NET_BIND_SERVICE restricted, and one that adds more at baseline', () => {
    expect(security('services:\n  a:\n    image: x\n    user: "1000"\n    cap_add: [NET_BIND_SERVICE]\n').s.profile).toBe('restricted');
    expect(security('services:\n  a:\n    image: x\n    user: "1000"\n    cap_add: [CHOWN]\n').s.profile).toBe('baseline');
  });

  it.each([
    ['privileged: true', 'service `a` asks for privileged mode', 'security.allowPrivileged', { security: { allowPrivileged: true } }],
    ['network_mode: host', "service `a` shares the node's network namespace", 'security.allowHostNamespaces', { security: { allowHostNamespaces: true } }],
    ['pid: host', "service `a` shares the node's process namespace", 'security.allowHostNamespaces', { security: { allowHostNamespaces: true } }],
    ['cap_add: [SYS_ADMIN]', 'service `a` adds capability SYS_ADMIN', 'security.allowedCapabilities', { security: { allowedCapabilities: ['SYS_ADMIN'] } }],
    ['cap_add: [NET_RAW]', 'service `a` adds capability NET_RAW', 'security.allowedCapabilities', { security: { allowedCapabilities: ['NET_RAW'] } }],
  ])('%s is beyond baseline: an error by default, a warning when the policy allows it', (line, what, knob, allowing) => {
    const compose = `services:\n  a:\n    image: x\n    ${line}\n`;
    const refused = security(compose);
    expect(refused.messages).toEqual([`error TYC0701 ${what}, which the policy forbids (allow it with ${knob})`]);
    const allowed = security(compose, allowing);
    expect(allowed.messages).toEqual([`warning TYC0702 ${what}; allowed by policy, but the pod no longer meets the baseline Pod Security Standard`]);
  });

  it('refused privileges are not emitted', () => {
    const { s } = security('services:\n  a:\n    image: x\n    privileged: true\n    network_mode: host\n    cap_add: [SYS_ADMIN]\n');
    expect(s).toMatchObject({ privileged: false, hostNetwork: false, capAdd: [] });
  });

  it('keeps a privileged service at baseline even with a non-root user: forcing more would break it', () => {
    expect(security('services:\n  a:\n    image: x\n    user: "1000"\n    privileged: true\n', { security: { allowPrivileged: true } }).s.profile).toBe('baseline');
  });

  describe('under security.profile: restricted', () => {
    it('makes every service restricted, and warns where the image must not start as root', () => {
      const { s, messages } = security('services:\n  a:\n    image: x\n', RESTRICTED);
      expect(s.profile).toBe('restricted');
      expect(s.fsGroup).toBeUndefined();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/^warning TYC0706 service `a` has no numeric non-root `user:`, so under the restricted profile its pod runs with runAsNonRoot: /);
      expect(messages[0]).toContain('CreateContainerConfigError: container has runAsNonRoot and image will run as root');
    });

    it('says nothing for a numeric non-root user', () => {
      expect(security('services:\n  a:\n    image: x\n    user: "1000:1000"\n', RESTRICTED).messages).toEqual([]);
    });

    it.each([
      ['user: root', 'runs as root'],
      ['cap_add: [CHOWN]', 'adds capability CHOWN'],
    ])('warns that a service with %s does not meet it', (line, why) => {
      const { s, messages } = security(`services:\n  a:\n    image: x\n    ${line}\n`, RESTRICTED);
      expect(s.profile).toBe('baseline');
      expect(messages).toEqual([`warning TYC0702 service \`a\` ${why}, so its pod does not meet the restricted Pod Security Standard the policy asks for`]);
    });
  });

  it('takes fsGroup from x-tycho before the policy, and either before the user’s group', () => {
    expect(security('services:\n  a:\n    image: x\n', { security: { fsGroup: 100 } }).s.fsGroup).toBe(100);
    expect(security('services:\n  a:\n    image: x\n    x-tycho:\n      fs_group: 7\n', { security: { fsGroup: 100 } }).s.fsGroup).toBe(7);
    expect(security('services:\n  a:\n    image: x\n    user: "1000:1000"\n', { security: { fsGroup: 100 } }).s.fsGroup).toBe(100);
  });

  it('lets a service run as the ServiceAccount it names unless the policy forbids it', () => {
    const compose = 'services:\n  a:\n    image: x\n    x-tycho:\n      service_account: deployer\n';
    expect(security(compose).messages).toEqual([]);
    expect(security(compose, { security: { allowServiceAccounts: false } }).messages).toEqual([
      'error TYC0701 service `a` runs as ServiceAccount `deployer`, which the policy forbids (allow it with security.allowServiceAccounts)',
    ]);
  });
});
