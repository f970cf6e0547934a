import { describe, expect, it } from 'vitest';
import { networksPass } from '../../src/passes/networks.js';
import { portsPass } from '../../src/passes/ports.js';
import type { System } from '../../src/model/system.js';
import { runPass, systemFrom } from './system-from.js';

const on = { networks: { policies: true } };

/** Exposure first (published ports depend on it), then this pass with policies on. */
function isolate(compose: string, routes: System['routes'] = []): { system: System; messages: string[] } {
  const exposed = runPass(portsPass(), systemFrom(compose)).system;
  return runPass(networksPass(), { ...exposed, routes }, on);
}

describe('networks pass', () => {
  it('does nothing unless the policy asks for network policies', () => {
    const system = systemFrom('services:\n  a:\n    image: x\n');
    expect(runPass(networksPass(), system).system).toBe(system);
  });

  it('confines each service to its networks; naming none means `default`', () => {
    const { system, messages } = isolate(
      'services:\n  web:\n    image: x\n    networks: [front]\n  api:\n    image: x\n    networks: {front: {}, back: {aliases: [b]}}\n  db:\n    image: x\n    networks: [back]\n  cache:\n    image: x\n  worker:\n    image: x\n    networks: [default]\nnetworks:\n  front:\n  back:\n',
    );
    expect(messages).toEqual([]);
    expect(system.isolation!.map((i) => [i.service, i.networks])).toEqual([
      ['web', ['front']],
      ['api', ['front', 'back']],
      ['db', ['back']],
      ['cache', ['default']],
      ['worker', ['default']],
    ]);
  });

  it('opens published ports of NodePort and LoadBalancer services to anyone, not their expose ports', () => {
    const { system } = isolate(
      'services:\n  a:\n    image: x\n    ports: ["80", "53/udp"]\n    expose: ["9000"]\n    x-tycho:\n      expose: NodePort\n  b:\n    image: x\n    ports: ["8080"]\n',
    );
    expect(system.isolation!.map((i) => i.open)).toEqual([[{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], []]);
  });

  it('opens a routed port, since the proxy runs outside the system', () => {
    const routes = [{ service: 'a', port: 8888, prefix: '/p/', rewrite: '/', via: 'ambassador' as const, pos: { file: 'f', line: 1, col: 1 } }];
    const { system } = isolate('services:\n  a:\n    image: x\n    ports: ["8888", "9000"]\n', routes);
    expect(system.isolation![0]!.open).toEqual([{ port: 8888, protocol: 'TCP' }]);
  });

  it('opens every port of a service on an external network, shared with other projects', () => {
    const { system } = isolate('services:\n  a:\n    image: x\n    expose: ["389", "636"]\n    networks: [dir]\nnetworks:\n  dir:\n    external: true\n');
    expect(system.isolation![0]!.open).toEqual([{ port: 389, protocol: 'TCP' }, { port: 636, protocol: 'TCP' }]);
  });

  it('refuses a network that is not declared, and says a node-network service is not confined', () => {
    expect(isolate('services:\n  a:\n    image: x\n    networks: [nope]\n').messages).toEqual([
      'error TYC0507 service `a` uses network `nope`, which is not defined at the top level',
    ]);
    expect(isolate('services:\n  a:\n    image: x\n    network_mode: host\n').messages).toEqual([
      'warning TYC0705 service `a` uses the node\'s network; a NetworkPolicy does not confine it',
    ]);
  });
  describe('client address ranges', () => {
    const clientsOf = (compose: string, clients: Record<string, string[]>, policy = {}) =>
      runPass(networksPass(), runPass(portsPass(), systemFrom(compose)).system, policy, { clients });

    it('confine only the services given ranges when the network policy is off, the whole system being their peers', () => {
      const { system, messages } = clientsOf('services:\n  web:\n    image: x\n    ports: ["80", "443"]\n    networks: [front]\n  db:\n    image: x\nnetworks:\n  front:\n', {
        web: ['192.168.0.0/16', '10.0.0.0/8', '10.0.0.0/8'],
        db: [],
      });
      expect(messages).toEqual([]);
      expect(system.isolation).toEqual([{
        service: 'web',
        networks: [],
        open: [],
        clients: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] },
      }]);
    });

    it('take the place of anyone on published ports, but leave a routed port to the proxy', () => {
      const compose = 'services:\n  a:\n    image: x\n    ports: ["80", "8888"]\n    x-tycho:\n      expose: LoadBalancer\n';
      const routes = [{ service: 'a', port: 8888, prefix: '/p/', rewrite: '/', via: 'ambassador' as const, pos: { file: 'f', line: 1, col: 1 } }];
      const exposed = runPass(portsPass(), systemFrom(compose)).system;
      const { system } = runPass(networksPass(), { ...exposed, routes }, on, { clients: { a: ['2001:db8::/32'] } });
      expect(system.isolation).toEqual([{
        service: 'a',
        networks: ['default'],
        open: [{ port: 8888, protocol: 'TCP' }],
        clients: { cidrs: ['2001:db8::/32'], ports: [{ port: 80, protocol: 'TCP' }, { port: 8888, protocol: 'TCP' }] },
      }]);
    });

    it('refuse what is not an address range, and a service the file does not have', () => {
      const compose = 'services:\n  a:\n    image: x\n';
      for (const bad of ['10.0.0.0', '10.0.0.0/33', '2001:db8::/129', 'example.com/8', '10.0.0.0/8/8', '10.0.0.0/']) {
        expect(clientsOf(compose, { a: [bad] }).messages, bad).toEqual([`error TYC0303 services.a.clients: ${JSON.stringify(bad)} is not an address range such as 10.0.0.0/8 or 2001:db8::/32`]);
      }
      expect(clientsOf(compose, { b: ['10.0.0.0/8'] }).messages).toEqual(['error TYC0507 services.b.clients: there is no service `b` in the compose file']);
    });
  });
});
