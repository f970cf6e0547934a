import { describe, expect, it } from 'vitest';
import { expandRange, parsePortSpec, type PortSpec } from '../../src/frontend/ports.js';

const spec = (target: string, more: Partial<PortSpec> = {}): PortSpec => ({
  hostIp: undefined,
  published: undefined,
  target,
  protocol: 'tcp',
  ...more,
});

describe('parsePortSpec: the short syntax [[IP:]PUBLISHED:]TARGET[/PROTOCOL]', () => {
  it.each<[string, PortSpec]>([
    // The compose specification's examples (05-services.md, ports: short syntax).
    ['3000', spec('3000')],
    ['3000-3005', spec('3000-3005')],
    ['8000:8000', spec('8000', { published: '8000' })],
    ['9090-9091:8080-8081', spec('8080-8081', { published: '9090-9091' })],
    ['49100:22', spec('22', { published: '49100' })],
    ['8000-9000:80', spec('80', { published: '8000-9000' })],
    ['127.0.0.1:8001:8001', spec('8001', { hostIp: '127.0.0.1', published: '8001' })],
    ['127.0.0.1:5000-5010:5000-5010', spec('5000-5010', { hostIp: '127.0.0.1', published: '5000-5010' })],
    ['::1:6000:6000', spec('6000', { hostIp: '::1', published: '6000' })],
    ['[::1]:6001:6001', spec('6001', { hostIp: '::1', published: '6001' })],
    ['6060:6060/udp', spec('6060', { published: '6060', protocol: 'udp' })],
    // More shapes.
    ['127.0.0.1::80', spec('80', { hostIp: '127.0.0.1' })],
    ['0.0.0.0:80:80/tcp', spec('80', { hostIp: '0.0.0.0', published: '80' })],
    ['fe80::1:8080:80', spec('80', { hostIp: 'fe80::1', published: '8080' })],
    ['[fe80::1]::80/udp', spec('80', { hostIp: 'fe80::1', protocol: 'udp' })],
    ['80/UDP', spec('80', { protocol: 'udp' })],
    ['80/sctp', spec('80', { protocol: 'sctp' })],
    [':80', spec('80')],
    ['::80', spec('80')],
    [' 80 ', spec('80')],
  ])('%j', (text, expected) => {
    expect(parsePortSpec(text)).toEqual(expected);
  });

  it.each(['', 'abc', 'http', '80/', '-80', '80-', '80:', '1.2.3.4:80', '80:80:', '80:abc', '[::1:80:80', 'a-b:80'])(
    '%j is not a port',
    (text) => {
      expect(parsePortSpec(text)).toBeUndefined();
    },
  );
});

describe('expandRange', () => {
  it.each<[string, number[]]>([
    ['80', [80]],
    ['80-80', [80]],
    ['3000-3005', [3000, 3001, 3002, 3003, 3004, 3005]],
    ['1', [1]],
    ['65535', [65535]],
    ['65534-65535', [65534, 65535]],
  ])('%j covers %j', (range, ports) => {
    expect(expandRange(range)).toEqual(ports);
  });

  it.each(['0', '65536', '5-3', '0-2', '65535-65536', 'a', '80-x', '', '1.5'])('%j is malformed', (range) => {
    expect(expandRange(range)).toBeUndefined();
  });

  it('refuses ranges of `max` ports or more (default 1000)', () => {
    expect(expandRange('1-1000')).toHaveLength(1000);
    expect(expandRange('1-1001')).toBeUndefined();
    expect(expandRange('1-3', 3)).toEqual([1, 2, 3]);
    expect(expandRange('1-4', 3)).toBeUndefined();
  });
});
