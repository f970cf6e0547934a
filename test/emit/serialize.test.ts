import { describe, expect, it } from 'vitest';
import { toYaml, toYamlQuoting } from '../../src/emit/serialize.js';
import type { Manifest } from '../../src/emit/chart.js';

const configMap = (data: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data }) as unknown as Manifest;

describe('YAML output', () => {
  it('quotes what a YAML 1.1 or 1.2 reader would not read as a string, in keys, values and lists alike', () => {
    const m = configMap({ '0o17': '0o17', on: 'yes', port: '0440', time: '1:20', list: ['0o7', 'plain', { '-0o1': 'x' }], n: 5, plain: 'text' });
    expect(toYaml(m)).toBe(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: c',
        'data:',
        '  "0o17": "0o17"',
        '  "on": "yes"',
        '  port: "0440"',
        '  time: "1:20"',
        '  list:',
        '    - "0o7"',
        '    - plain',
        '    - "-0o1": x',
        '  "n": 5',
        '  plain: text',
        '',
      ].join('\n'),
    );
  });

  it('leaves the value it is given as it was', () => {
    const data = { '0o17': ['0o1'] };
    toYaml(configMap(data));
    expect(data).toEqual({ '0o17': ['0o1'] });
  });

  it('double-quotes the strings a caller picks', () => {
    expect(toYamlQuoting({ a: 'x', b: ['x', 'z'] }, (s) => s === 'x')).toBe('a: "x"\nb:\n  - "x"\n  - z\n');
  });
});
