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

  it('gives a NodePort Service of one port the node port Kompose asks for, and refuses it elsewhere', () => {
    const svc = (type: string, ports: string) => `  ${type}:\n    image: x\n    ports: ${ports}\n    labels:\n      kompose.service.type: ${type}\n      kompose.service.nodeport.port: "30080"\n`;
    const { system, messages } = runPass(portsPass(), systemFrom(`services:\n${svc('nodeport', '["80"]')}${svc('clusterip', '["80"]')}${svc('loadbalancer', '["80", "443"]')}`));
    expect(system.services.map((s) => s.ports.map((p) => p.nodePort))).toEqual([[30080], [undefined], [undefined, undefined]]);
    expect(messages).toEqual([
      'error TYC0707 service `clusterip` asks for node port 30080 but is exposed as ClusterIP; set `kompose.service.type: nodeport`',
      'error TYC0707 service `loadbalancer` asks for node port 30080 but has 2 ports; a node port is given to one port only',
    ]);
  });

  it('keeps an external traffic policy for NodePort and LoadBalancer Services only', () => {
    const { system, messages } = runPass(portsPass(), systemFrom('services:\n  a:\n    image: x\n    ports: ["80"]\n    labels:\n      kompose.service.type: loadbalancer\n      kompose.service.external-traffic-policy: local\n  b:\n    image: x\n    ports: ["80"]\n    labels:\n      kompose.service.external-traffic-policy: local\n'));
    expect(system.services.map((s) => s.externalTrafficPolicy)).toEqual(['Local', undefined]);
    expect(messages).toEqual(['warning TYC0705 service `b` sets an external traffic policy, which only NodePort and LoadBalancer Services with ports have; it is ignored']);
  });

  it('binds published ports on the node only where the policy allows host namespaces', () => {
    const system = systemFrom('services:\n  a:\n    image: x\n    ports: ["8080:80", "443"]\n    labels:\n      kompose.controller.port.expose: "true"\n');
    const refused = runPass(portsPass(), system);
    expect(refused.system.services[0]!.ports.map((p) => p.hostPort)).toEqual([undefined, undefined]);
    expect(refused.messages).toEqual(['error TYC0701 service `a` binds port 8080 of the node (hostPort), which the policy forbids (allow it with security.allowHostNamespaces)']);
    const allowed = runPass(portsPass(), system, { security: { allowHostNamespaces: true } });
    expect(allowed.system.services[0]!.ports.map((p) => p.hostPort)).toEqual([8080, undefined]);
    expect(allowed.messages).toEqual(['warning TYC0702 service `a` binds port 8080 of the node (hostPort); allowed by policy, but the pod no longer meets the baseline Pod Security Standard']);
  });

  it('routes an Ingress to the first port, and warns when there is none', () => {
    const { system, messages } = runPass(portsPass(), systemFrom('services:\n  a:\n    image: x\n    ports: ["8080:80", "443"]\n    labels:\n      kompose.service.expose: example.com\n  b:\n    image: x\n    labels:\n      kompose.service.expose: "true"\n'));
    expect(system.services.map((s) => s.ingress)).toEqual([{ rules: [{ host: 'example.com', path: '/' }], port: 80 }, undefined]);
    expect(messages).toEqual(['warning TYC0705 service `b` asks for an Ingress but has no ports or expose to route to']);
  });
});
