import { describe, expect, it } from 'vitest';
import { groupsPass } from '../../src/passes/groups.js';
import { runPass, systemFrom } from './system-from.js';

const grouped = (group: string, more = '') => `    labels:\n      kompose.service.group: ${group}\n${more}`;

describe('groups pass', () => {
  it('puts the services of one group in one pod named after it', () => {
    const { system, messages } = runPass(groupsPass(), systemFrom(
      `services:\n  web:\n    image: nginx\n    ports: ["80"]\n${grouped('Side_Car')}  logs:\n    image: busybox\n${grouped('Side_Car')}  db:\n    image: postgres\n`,
    ));
    expect(messages).toEqual([]);
    expect(system.services.map((s) => s.pod)).toEqual(['side-car', 'side-car', undefined]);
  });

  it('refuses members that would run differently or serve one port twice', () => {
    const { system, messages } = runPass(groupsPass(), systemFrom(
      `services:\n  a:\n    image: x\n    deploy: {replicas: 2}\n${grouped('one')}  b:\n    image: x\n    hostname: bee\n${grouped('one')}` +
        `  c:\n    image: x\n    ports: ["80"]\n${grouped('two')}  d:\n    image: x\n    ports: ["8080:80"]\n${grouped('two')}`,
    ));
    expect(system.services.map((s) => s.pod)).toEqual([undefined, undefined, undefined, undefined]);
    expect(messages).toEqual([
      'error TYC0707 services `a`, `b` of group `one` would share one pod but differ in how it runs (replicas, controller, restart), hostname',
      'error TYC0707 services `c` and `d` of group `two` both serve port 80/TCP, which one pod has once',
    ]);
  });

  it('refuses a group named as another service', () => {
    const { messages } = runPass(groupsPass(), systemFrom(`services:\n  a:\n    image: x\n${grouped('b')}  b:\n    image: x\n`));
    expect(messages).toEqual(['error TYC0601 group `b` and service `b` both become workload `b` on Kubernetes; rename one']);
  });
});
