import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/frontend/parse.js';
import type { PNode } from '../../src/frontend/tree.js';
import { parseVolumeSpec, volumeTarget, type VolumeSpec } from '../../src/frontend/volumes.js';

const bind = (source: string, target: string, readOnly = false): VolumeSpec => ({ type: 'bind', source, target, readOnly });
const named = (source: string, target: string, readOnly = false): VolumeSpec => ({ type: 'volume', source, target, readOnly });
const anonymous = (target: string): VolumeSpec => ({ type: 'volume', target, readOnly: false });

describe('parseVolumeSpec: the short syntax [SOURCE:]TARGET[:MODE]', () => {
  it.each<[string, VolumeSpec]>([
    // An anonymous volume: only a target (compose-go TestParseVolumeAnonymousVolume).
    ['/path', anonymous('/path')],
    ['/path/foo', anonymous('/path/foo')],
    ['/var/lib/mysql', anonymous('/var/lib/mysql')],
    // Named volumes: the source is not a path.
    ['db-data:/data', named('db-data', '/data')],
    ['data:/var/lib/postgresql/data', named('data', '/var/lib/postgresql/data')],
    ['name:/target:nocopy', named('name', '/target')],
    ['vol:/c:ro', named('vol', '/c', true)],
    ['vol:/c:rw,nocopy', named('vol', '/c')],
    ['foo/bar:/x', named('foo/bar', '/x')], // paths start with `.`, `/` or `~`
    // Bind mounts (compose-go TestParseVolumeBindMount, TestParseVolumeWithReadOnly/ReadWrite).
    ['./foo:/target', bind('./foo', '/target')],
    ['~/thing:/target', bind('~/thing', '/target')],
    ['../other:/target', bind('../other', '/target')],
    ['/foo:/target', bind('/foo', '/target')],
    ['/home/user:/target', bind('/home/user', '/target')],
    ['.:/app', bind('.', '/app')],
    ['./foo:/target:ro', bind('./foo', '/target', true)],
    ['/home/user:/target:ro', bind('/home/user', '/target', true)],
    ['./foo:/target:rw', bind('./foo', '/target')],
    ['/home/user:/target:rw', bind('/home/user', '/target')],
    // Modes are a comma-separated list (compose-go TestParseVolumeWithBindOptions...).
    ['/source:/target:slave', bind('/source', '/target')],
    ['/source:/target:ro,z', bind('/source', '/target', true)],
    ['/source:/target:ro,Z', bind('/source', '/target', true)],
    ['/source:/target:z,ro', bind('/source', '/target', true)],
    // A Windows drive letter stays with its path.
    ['C:\\data:/data', bind('C:\\data', '/data')],
    ['c:/data:/data:ro', bind('c:/data', '/data', true)],
  ])('%j', (text, expected) => {
    expect(parseVolumeSpec(text)).toEqual(expected);
  });

  it.each([
    '', // compose-go: invalid empty volume spec
    ':foo', // compose-go: empty section between colons
    '/foo::ro',
    '/foo::rw',
    'a::b',
    '/x:',
    '/foo:/foo:ro:foo', // compose-go: too many colons
  ])('%j is not a volume', (text) => {
    expect(parseVolumeSpec(text)).toBeUndefined();
  });
});

function items(yaml: string): PNode[] {
  const root = parseCompose(`volumes:\n${yaml}`, 'compose.yaml').root!;
  const seq = root.entries.get('volumes')!.value;
  if (seq.kind !== 'seq') throw new Error('expected a sequence');
  return [...seq.items];
}

describe('volumeTarget: the identity of a service volume when files merge', () => {
  it('reads the short and the long syntax', () => {
    const nodes = items(
      [
        '  - data:/data',
        '  - ./src:/app:ro',
        '  - /anonymous',
        '  - type: bind',
        '    source: ./x',
        '    target: /x',
        '  - type: tmpfs',
        '    target: /tmp',
        '  - {type: volume, source: v}',
        '  - "/a:/b:c:d"',
        '  - 5',
      ].join('\n'),
    );
    expect(nodes.map(volumeTarget)).toEqual(['/data', '/app', '/anonymous', '/x', '/tmp', undefined, undefined, undefined]);
  });
});
