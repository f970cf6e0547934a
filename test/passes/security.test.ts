import { describe, expect, it } from 'vitest';
import { securityPass } from '../../src/passes/security.js';
import { runPass, systemFrom } from './system-from.js';

const security = (compose: string, policy?: Parameters<typeof runPass>[2]) => {
  const { system, messages } = runPass(securityPass(), systemFrom(compose), policy);
  return { s: system.services[0]!.container.security, messages };
};

describe('security pass', () => {
  it('makes an ordinary service non-root and adds nothing', () => {
    const { s, messages } = security('services:\n  a:\n    image: x\n');
    expect(s).toMatchObject({ runAsNonRoot: true, privileged: false, capAdd: [], hostNetwork: false });
    expect(messages).toEqual([]);
  });

  it('keeps NET_BIND_SERVICE silently and warns for other harmless capabilities', () => {
    const { s, messages } = security('services:\n  a:\n    image: x\n    cap_add: [CAP_NET_BIND_SERVICE, CHOWN]\n');
    expect(s.capAdd).toEqual(['NET_BIND_SERVICE', 'CHOWN']);
    expect(messages).toEqual(['warning TYC0702 service `a` adds capability CHOWN; the restricted Pod Security Standard allows only NET_BIND_SERVICE']);
  });

  it.each([
    ['privileged: true', 'service `a` asks for privileged mode', 'security.allowPrivileged', { security: { allowPrivileged: true } }],
    ['network_mode: host', "service `a` shares the node's network namespace", 'security.allowHostNamespaces', { security: { allowHostNamespaces: true } }],
    ['pid: host', "service `a` shares the node's process namespace", 'security.allowHostNamespaces', { security: { allowHostNamespaces: true } }],
    ['cap_add: [SYS_ADMIN]', 'service `a` adds capability SYS_ADMIN', 'security.allowedCapabilities', { security: { allowedCapabilities: ['SYS_ADMIN'] } }],
  ])('%s is an error by default and a warning when the policy allows it', (line, what, knob, allowing) => {
    const compose = `services:\n  a:\n    image: x\n    ${line}\n`;
    const refused = security(compose);
    expect(refused.messages).toEqual([`error TYC0701 ${what}, which the policy forbids (allow it with ${knob})`]);
    const allowed = security(compose, allowing);
    expect(allowed.messages).toEqual([`warning TYC0702 ${what}; allowed by policy, but the pod no longer meets the restricted Pod Security Standard`]);
  });

  it('refused privileges are not emitted', () => {
    const { s } = security('services:\n  a:\n    image: x\n    privileged: true\n    network_mode: host\n    cap_add: [SYS_ADMIN]\n');
    expect(s).toMatchObject({ privileged: false, hostNetwork: false, capAdd: [] });
  });

  it('warns that root is beyond restricted and does not force a non-root user then', () => {
    for (const user of ['root', '0', '0:0']) {
      const { s, messages } = security(`services:\n  a:\n    image: x\n    user: "${user}"\n`);
      expect(s.runAsNonRoot).toBe(false);
      expect(messages).toEqual(['warning TYC0702 service `a` runs as root, which the restricted Pod Security Standard forbids']);
    }
  });

  it('with requireNonRoot off, sets runAsNonRoot only for known non-root users', () => {
    const policy = { security: { requireNonRoot: false } };
    expect(security('services:\n  a:\n    image: x\n', policy).s.runAsNonRoot).toBe(false);
    expect(security('services:\n  a:\n    image: x\n    user: "1000:1000"\n', policy).s.runAsNonRoot).toBe(true);
  });

  it('takes fsGroup from x-tycho before the policy', () => {
    expect(security('services:\n  a:\n    image: x\n', { security: { fsGroup: 100 } }).s.fsGroup).toBe(100);
    expect(security('services:\n  a:\n    image: x\n    x-tycho:\n      fs_group: 7\n', { security: { fsGroup: 100 } }).s.fsGroup).toBe(7);
  });
});
