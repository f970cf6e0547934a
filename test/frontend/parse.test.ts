import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { parseCompose } from '../../src/frontend/parse.js';
import { nodeAt, toPlain, type PMap, type PNode } from '../../src/frontend/tree.js';

const FILE = 'compose.yaml';

/** The tree of a file that must parse cleanly. */
function tree(text: string): PMap {
  const { root, diagnostics } = parseCompose(text, FILE);
  expect(diagnostics).toEqual([]);
  expect(root).toBeDefined();
  return root!;
}

function plain(text: string): unknown {
  return toPlain(tree(text));
}

/** The diagnostics of a file, with positions as `line:col`. */
function problems(text: string): { code: string; severity: string; message: string; at: string }[] {
  return parseCompose(text, FILE).diagnostics.map((d: Diagnostic) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    at: `${d.pos?.line}:${d.pos?.col}`,
  }));
}

function at(root: PNode, path: string): { key?: string; value: string; tag?: string } {
  const found = nodeAt(root, path.split('/').filter(Boolean));
  if (!found) throw new Error(`no node at ${path}`);
  const where = (p: { line: number; col: number }) => `${p.line}:${p.col}`;
  return {
    ...(found.keyPos ? { key: where(found.keyPos) } : {}),
    value: where(found.node.pos),
    ...(found.node.tag ? { tag: found.node.tag } : {}),
  };
}

describe('parseCompose: positions', () => {
  const text = [
    'name: demo', // 1
    'services:', // 2
    '  web:', // 3
    '    image: "nginx:1.27"', // 4
    '    ports:', // 5
    '      - "80:80"', // 6
    '      - target: 443', // 7
    '        published: 8443', // 8
    '    environment: {A: "1", B: two}', // 9
    '    command: [sh, -c, "echo hi"]', // 10
    '', // 11
    '  db:', // 12
    '      image: postgres', // 13 (deeper indentation)
  ].join('\n');
  const root = tree(text);

  it('records the file on every position', () => {
    expect(root.pos.file).toBe(FILE);
    expect(root.entries.get('services')!.keyPos).toEqual({ file: FILE, line: 2, col: 1 });
  });

  it.each([
    ['/name', { key: '1:1', value: '1:7' }],
    ['/services', { key: '2:1', value: '3:3' }],
    ['/services/web', { key: '3:3', value: '4:5' }],
    ['/services/web/image', { key: '4:5', value: '4:12' }],
    ['/services/web/ports', { key: '5:5', value: '6:7' }],
    ['/services/web/ports/0', { value: '6:9' }],
    ['/services/web/ports/1', { value: '7:9' }],
    ['/services/web/ports/1/target', { key: '7:9', value: '7:17' }],
    ['/services/web/ports/1/published', { key: '8:9', value: '8:20' }],
    ['/services/web/environment', { key: '9:5', value: '9:18' }],
    ['/services/web/environment/A', { key: '9:19', value: '9:22' }],
    ['/services/web/environment/B', { key: '9:27', value: '9:30' }],
    ['/services/web/command/2', { value: '10:23' }],
    ['/services/db', { key: '12:3', value: '13:7' }],
    ['/services/db/image', { key: '13:7', value: '13:14' }],
  ])('%s: key and value positions', (path, expected) => {
    expect(at(root, path)).toEqual(expected);
  });

  it('gives an empty value the position just after its key', () => {
    const r = tree('a:\nb: ""\n');
    expect(r.entries.get('a')!.value).toEqual({ kind: 'scalar', value: null, pos: { file: FILE, line: 1, col: 3 } });
    expect(r.entries.get('b')!.value).toEqual({ kind: 'scalar', value: '', pos: { file: FILE, line: 2, col: 4 } });
  });

  it('keeps the order of keys as written', () => {
    expect([...tree('z: 1\na: 2\nm: 3\n').entries.keys()]).toEqual(['z', 'a', 'm']);
  });
});

describe('parseCompose: scalars', () => {
  it.each([
    ['a: text', 'text'],
    ['a: "quoted"', 'quoted'],
    ["a: 'single'", 'single'],
    ['a: 42', 42],
    ['a: -7', -7],
    ['a: 1.5', 1.5],
    ['a: 1e3', 1000],
    ['a: 0x1F', 31],
    ['a: 0o440', 288], // YAML 1.2 octal
    ['a: true', true],
    ['a: false', false],
    ['a: null', null],
    ['a: ~', null],
    ['a:', null],
    // YAML 1.1 octal, which compose files use for file modes, is kept as written.
    ['a: 0440', '0440'],
    ['a: 0755', '0755'],
    ['a: 010', '010'],
    ['a: "0440"', '0440'],
    ['a: 08', 8], // not octal
    // YAML 1.1 booleans are plain strings in YAML 1.2 (compose-go reads them the same way).
    ['a: yes', 'yes'],
    ['a: on', 'on'],
    ['a: off', 'off'],
    ['a: !!str 5', '5'],
    ['a: "80:80"', '80:80'],
    ['a: 80:80', '80:80'], // no base-60 in YAML 1.2
    ['a: |\n  line 1\n  line 2\n', 'line 1\nline 2\n'],
    ['a: >-\n  folded\n  text\n', 'folded text'],
  ])('%j', (text, value) => {
    expect(plain(text)).toEqual({ a: value });
  });

  it('reads number and boolean keys as text', () => {
    expect(plain('1: one\ntrue: t\n')).toEqual({ 1: 'one', true: 't' });
  });
});

describe('parseCompose: YAML syntax errors (TYC0101)', () => {
  it.each([
    // Never closed: shown at the bracket, not past the end of the file.
    ['a: [1, 2\n', 'Flow sequence in block collection must be sufficiently indented and end with a ]', '1:4'],
    ['a: b: c\n', 'Nested mappings are not allowed in compact mappings', '1:4'],
    ['a:\n\t- x\n', 'Tabs are not allowed as indentation', '2:1'],
    ['---\na: 1\n---\nb: 2\n', 'a compose file holds one YAML document; this one starts another', '3:1'],
  ])('%j', (text, message, position) => {
    const result = parseCompose(text, FILE);
    expect(result.root).toBeUndefined();
    expect(problems(text)[0]).toEqual({ code: 'TYC0101', severity: 'error', message, at: position });
  });

  it('keeps only the first line of the message, without "at line L, column C"', () => {
    for (const d of problems('services:\n  web: {image: x\n')) {
      expect(d.code).toBe('TYC0101');
      expect(d.message).not.toMatch(/\n|at line \d+, column \d+/);
    }
  });

  it.each([
    ['a: *nope\n', 'alias `*nope` refers to no anchor defined before it', '1:4'],
    ['a: *x\nb: &x 1\n', 'alias `*x` refers to no anchor defined before it', '1:4'],
    ['services:\n  web:\n    <<: *base\n    image: x\n', 'alias `*base` refers to no anchor defined before it', '3:9'],
  ])('an alias without an anchor: %j', (text, message, position) => {
    expect(problems(text)).toEqual([{ code: 'TYC0101', severity: 'error', message, at: position }]);
  });

  it.each([
    ['a: &x [*x]\n', '1:8'],
    ['a: &x {b: *x}\n', '1:11'],
    ['a: &x {b: [1, {c: *x}]}\n', '1:19'],
  ])('a recursive alias is refused, not expanded forever: %j', (text, position) => {
    expect(problems(text)).toEqual([
      { code: 'TYC0101', severity: 'error', message: 'alias `*x` refers to a node that contains it', at: position },
    ]);
  });
});

describe('parseCompose: duplicate keys (TYC0102)', () => {
  it.each([
    ['a: 1\na: 2\n', 'duplicate key `a`', '2:1'],
    ['services:\n  web:\n    image: x\n    image: y\n', 'duplicate key `image`', '4:5'],
    ['services:\n  web: {}\n  db: {}\n  web: {}\n', 'duplicate key `web`', '4:3'],
    ['environment: {A: 1, A: 2}\n', 'duplicate key `A`', '1:21'],
  ])('%j', (text, message, position) => {
    expect(parseCompose(text, FILE).root).toBeUndefined();
    expect(problems(text)).toEqual([{ code: 'TYC0102', severity: 'error', message, at: position }]);
  });

  it('reports every duplicate', () => {
    expect(problems('a: 1\na: 2\nb: 1\nb: 2\n').map((d) => d.message)).toEqual(['duplicate key `a`', 'duplicate key `b`']);
  });

  it('the same key in different mappings is fine', () => {
    expect(plain('x: {a: 1}\ny: {a: 2}\n')).toEqual({ x: { a: 1 }, y: { a: 2 } });
  });
});

describe('parseCompose: alias bombs (TYC0103)', () => {
  /** The "billion laughs" document: 9^depth leaves from a few hundred bytes. */
  function laughs(depth: number): string {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < depth; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
    lines.push(`services: *a${depth - 1}`);
    return `${lines.join('\n')}\n`;
  }

  it('stops expanding within its budget, quickly', () => {
    const started = performance.now();
    const result = parseCompose(laughs(10), 'bomb.yaml');
    const elapsed = performance.now() - started;
    expect(result.root).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'TYC0103',
      message: 'alias expansion exceeds 11300 nodes; the document expands exponentially ("billion laughs")',
    });
    expect(elapsed).toBeLessThan(2000);
  });

  it('allows ordinary reuse of anchors', () => {
    const lines = ['x-base: &base {image: nginx, environment: {A: "1"}}', 'services:'];
    for (let i = 0; i < 200; i++) lines.push(`  s${i}: *base`);
    const root = tree(lines.join('\n'));
    const services = toPlain(root.entries.get('services')!.value) as Record<string, unknown>;
    expect(Object.keys(services)).toHaveLength(200);
    expect(services['s199']).toEqual({ image: 'nginx', environment: { A: '1' } });
  });
});

describe('parseCompose: `<<` merge keys', () => {
  it('merges a mapping; keys written explicitly win', () => {
    const text = [
      'x-base: &base',
      '  image: base',
      '  restart: always',
      'services:',
      '  web:',
      '    <<: *base',
      '    image: web',
    ].join('\n');
    expect(plain(text)).toEqual({
      'x-base': { image: 'base', restart: 'always' },
      services: { web: { image: 'web', restart: 'always' } },
    });
  });

  it('explicit keys win wherever the `<<` is written', () => {
    expect(plain('b: &b {x: 1, y: 1}\nc:\n  x: 2\n  <<: *b\n')).toEqual({ b: { x: 1, y: 1 }, c: { x: 2, y: 1 } });
  });

  it('merges a list of mappings; earlier sources win over later ones', () => {
    const text = 'x: &x {a: 1}\ny: &y {a: 2, c: 2}\nsvc:\n  <<: [*x, *y]\n  d: 4\n';
    expect(plain(text)).toEqual({ x: { a: 1 }, y: { a: 2, c: 2 }, svc: { d: 4, a: 1, c: 2 } });
  });

  it('does not deep-merge: a nested mapping written explicitly replaces the merged one', () => {
    const text = 'b: &b {environment: {A: "1", B: "2"}}\nsvc:\n  <<: *b\n  environment: {B: "3"}\n';
    expect((plain(text) as { svc: unknown }).svc).toEqual({ environment: { B: '3' } });
  });

  it('keeps the positions of merged entries where they were written', () => {
    const root = tree('b: &b\n  image: base\nsvc:\n  <<: *b\n');
    expect(at(root, '/svc/image')).toEqual({ key: '2:3', value: '2:10' });
  });
});

describe('parseCompose: compose merge tags', () => {
  const root = tree(
    [
      'services:',
      '  web:',
      '    ports: !reset []',
      '    command: !reset null',
      '    image: !reset',
      '    environment: !override',
      '      A: "1"',
      '    volumes: !override ["/a:/b"]',
      '    user: !override nobody',
    ].join('\n'),
  );

  it.each([
    ['ports', 'reset', []],
    ['command', 'reset', 'null'],
    ['image', 'reset', ''],
    ['environment', 'override', { A: '1' }],
    ['volumes', 'override', ['/a:/b']],
    ['user', 'override', 'nobody'],
  ])('%s is tagged !%s', (key, tag, value) => {
    const node = nodeAt(root, ['services', 'web', key])!.node;
    expect(node.tag).toBe(tag);
    expect(toPlain(node)).toEqual(value);
  });

  it('untagged values carry no tag', () => {
    expect(nodeAt(tree('a: [1]\nb: {c: 1}\nd: x\n'), ['a'])!.node.tag).toBeUndefined();
    expect(nodeAt(tree('a: !!seq [1]\n'), ['a'])!.node.tag).toBeUndefined();
  });
});

describe('parseCompose: unknown tags (TYC0108)', () => {
  it('warns and keeps the value', () => {
    const result = parseCompose('a: !custom 1\nb: !custom {x: 1}\n', FILE);
    expect(toPlain(result.root!)).toEqual({ a: '1', b: { x: 1 } });
    expect(problems('a: !custom 1\nb: !custom {x: 1}\n')).toEqual([
      { code: 'TYC0108', severity: 'warning', message: 'unknown tag `!custom` is ignored', at: '1:12' },
      { code: 'TYC0108', severity: 'warning', message: 'unknown tag `!custom` is ignored', at: '2:12' },
    ]);
  });

  it('does not warn about standard `!!` tags', () => {
    expect(plain('a: !!str 1\nb: !!int "2"\nc: !!binary aGVsbG8=\n')).toEqual({ a: '1', b: 2, c: 'hello' });
  });
});

describe('parseCompose: empty files', () => {
  // docker compose loads a file of comments (an "extension seam") as adding nothing; the loader
  // reports TYC0105 when the whole set adds up to nothing.
  it.each([[''], ['\n\n'], ['# only a comment\n'], ['# a seam\n# for later\n']])('%j adds nothing', (text) => {
    expect(plain(text)).toEqual({});
    expect(problems(text)).toEqual([]);
  });

  // As compose-go: a document that is there but null is not a mapping.
  it.each([['null\n', '1:1'], ['~\n', '1:1'], ['---\n', '1:4']])('an explicit null %j is not a mapping', (text, at) => {
    expect(parseCompose(text, FILE).root).toBeUndefined();
    expect(problems(text)).toEqual([{ code: 'TYC0107', severity: 'error', message: 'the top level must be a mapping, not a scalar (null)', at }]);
  });

  it('an empty mapping is not an empty file', () => {
    expect(plain('{}\n')).toEqual({});
  });
});

describe('parseCompose: the top level must be a mapping (TYC0107)', () => {
  it.each([
    ['- a\n- b\n', 'the top level must be a mapping, not a sequence', '1:1'],
    ['hello\n', 'the top level must be a mapping, not a scalar ("hello")', '1:1'],
    ['42\n', 'the top level must be a mapping, not a scalar (42)', '1:1'],
    ['# comment\n\n"text"\n', 'the top level must be a mapping, not a scalar ("text")', '3:1'],
  ])('%j', (text, message, position) => {
    expect(parseCompose(text, FILE).root).toBeUndefined();
    expect(problems(text)).toEqual([{ code: 'TYC0107', severity: 'error', message, at: position }]);
  });

  it.each([
    ['? [a]\n: 1\nb: 2\n', '1:3'],
    ['? {a: 1}\n: 1\n', '1:3'],
    ['null: n\n', '1:1'],
    ['~: n\n', '1:1'],
  ])('a key that is not text is refused: %j', (text, position) => {
    expect(problems(text)).toEqual([{ code: 'TYC0107', severity: 'error', message: 'mapping keys must be strings', at: position }]);
  });
});
