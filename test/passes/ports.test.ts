import { describe, expect, it } from 'vitest';
import { portsPass } from '../../src/passes/ports.js';
import { runPass, systemFrom } from './system-from.js';

describe('ports pass', () => {
  it('exposes as the policy says unless the service says otherwise', () => {
    const system = systemFrom(
      'services:\n  a:\n    image: x\n    ports: ["80"]\n  b:\n    image: x\n    ports: ["80"]\n    x-tycho:\n      expose: LoadBalancer\n  c:\n    image: x\n    ports: ["80"]\n    labels:\n      kompose.service.type: headless\n',
    );
    expect(runPass(portsPass(), system).system.services.map((s) => s.exposure)).toEqual(['ClusterIP', 'LoadBalancer', 'Headless']);
    expect(runPass(portsPass(), system, { ports: { defaultType: 'NodePort' } }).system.services.map((s) => s.exposure)).toEqual(['NodePort', 'LoadBalancer', 'Headless']);
  });

  it('prefers x-tycho over a Kompose label', () => {
    const system = systemFrom('services:\n  a:\n    image: x\n    ports: ["80"]\n    labels:\n      kompose.service.type: nodeport\n    x-tycho:\n      expose: ClusterIP\n');
    expect(runPass(portsPass(), system).system.services[0]!.exposure).toBe('ClusterIP');
  });

  it('warns when exposure is asked of a service without ports', () => {
    const { messages } = runPass(portsPass(), systemFrom('services:\n  a:\n    image: x\n    x-tycho:\n      expose: NodePort\n'));
    expect(messages).toEqual(['warning TYC0705 service `a` asks to be exposed as NodePort but has no ports or expose']);
  });
});
