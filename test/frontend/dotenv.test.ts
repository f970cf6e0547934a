import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { parseDotenv } from '../../src/frontend/dotenv.js';
import type { Lookup } from '../../src/frontend/interpolate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repoRoot, '../shared/corpus/compose-go-testdata/dotenv/fixtures');

const none: Lookup = () => undefined;
const envOf =
  (env: Record<string, string>): Lookup =>
  (name) =>
    name in env ? { value: env[name]! } : undefined;

/** The parsed variables as a plain object, asserting the text parsed cleanly. */
function parse(text: string, lookup: Lookup = none): Record<string, string> {
  const { vars, diagnostics } = parseDotenv(text, '.env', lookup);
  expect(diagnostics).toEqual([]);
  return Object.fromEntries([...vars].map(([k, e]) => [k, e.value]));
}

describe('parseDotenv: single statements (compose-go TestParsing)', () => {
  it.each([
    ['FOO=bar', 'FOO', 'bar'],
    ['FOO =bar', 'FOO', 'bar'],
    ['FOO= bar', 'FOO', 'bar'],
    ['FOO="bar"', 'FOO', 'bar'],
    ["FOO='bar'", 'FOO', 'bar'],
    [String.raw`FOO="escaped\"bar"`, 'FOO', 'escaped"bar'],
    [String.raw`FOO="\"quoted\""`, 'FOO', '"quoted"'],
    [`FOO="'d'"`, 'FOO', "'d'"],
    ['OPTION_A: 1', 'OPTION_A', '1'],
    ['OPTION_A: Foo=bar', 'OPTION_A', 'Foo=bar'],
    ['OPTION_A=1:B', 'OPTION_A', '1:B'],
    ['export OPTION_A=2', 'OPTION_A', '2'],
    [String.raw`export OPTION_B='\n'`, 'OPTION_B', '\\n'],
    ['export exportFoo=2', 'exportFoo', '2'],
    ['exportFOO=2', 'exportFOO', '2'],
    ['export_FOO =2', 'export_FOO', '2'],
    ['export.FOO= 2', 'export.FOO', '2'],
    ['export\tOPTION_A=2', 'OPTION_A', '2'],
    ['  export OPTION_A=2', 'OPTION_A', '2'],
    ['\texport OPTION_A=2', 'OPTION_A', '2'],
    ['export OPTION_A="export A"', 'OPTION_A', 'export A'],
    [String.raw`FOO="bar\nbaz"`, 'FOO', 'bar\nbaz'],
    [String.raw`FOO=a\tb`, 'FOO', String.raw`a\tb`],
    [String.raw`FOO="a\tb"`, 'FOO', 'a\tb'],
    [String.raw`KEY="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z"`, 'KEY', 'Z\x07Z\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ'],
    ['FOO.BAR=foobar', 'FOO.BAR', 'foobar'],
    ['FOO=foobar=', 'FOO', 'foobar='],
    ['FOO=bar ', 'FOO', 'bar'],
    ['FOO=bar # this is foo', 'FOO', 'bar'],
    ['FOO=bar #this is foo', 'FOO', 'bar'],
    ['FOO=bar #', 'FOO', 'bar'],
    ['FOO=123#not-an-inline-comment', 'FOO', '123#not-an-inline-comment'],
    ['FOO="bar#baz"', 'FOO', 'bar#baz'],
    ['FOO="bar#baz"#', 'FOO', 'bar#baz'],
    ['FOO="bar#baz" # comment', 'FOO', 'bar#baz'],
    ["FOO='bar#baz' # comment", 'FOO', 'bar#baz'],
    ['FOO="bar#baz#bang" # comment', 'FOO', 'bar#baz#bang'],
    ['FOO="ba#r"', 'FOO', 'ba#r'],
    ["FOO='ba#r'", 'FOO', 'ba#r'],
    [String.raw`FOO="bar\n\ b\az"`, 'FOO', 'bar\n\\ b\x07z'],
    [String.raw`FOO="bar\\\n\ b\az"`, 'FOO', 'bar\\\n\\ b\x07z'],
    [String.raw`FOO="bar\\r\ b\az"`, 'FOO', 'bar\\r\\ b\x07z'],
    [String.raw`FOO="bar\nbaz\\"`, 'FOO', 'bar\nbaz\\'],
    ['="value"', '', 'value'],
    [' KEY =value', 'KEY', 'value'],
    ['   KEY=value', 'KEY', 'value'],
    ['\tKEY=value', 'KEY', 'value'],
    [String.raw`KEY="\0123"`, 'KEY', 'S'],
    [String.raw`KEY="\x07"`, 'KEY', String.raw`\x07`],
    [String.raw`KEY="\u12e4"`, 'KEY', String.raw`\u12e4`],
    [String.raw`KEY="\U00101234"`, 'KEY', String.raw`\U00101234`],
  ])('%j defines %j as %j', (text, key, value) => {
    expect(parse(text)).toEqual({ [key]: value });
  });
});

// Beyond compose-go's own tests; each expectation was checked against compose-go's parser.
describe('parseDotenv: more compose-go behaviour', () => {
  it.each([
    ['A=b\t#c', { A: 'b\t#c' }], // only a space before `#` starts a comment
    ['A= # c', { A: '# c' }], // leading blanks go first, so no space is left before `#`
    ['A="x" B=2', { A: 'x', B: '2' }], // text after a closing quote is a new statement
    ['A=\\$B', { A: '\\b' }], // `\$` is an escape only inside double quotes
    ["A='$B'", { A: '$B' }],
    ["A='${B:-x}\\n'", { A: '${B:-x}\\n' }],
    ["A='a\\\\b'", { A: 'a\\\\b' }],
    ["Q='\\''", { Q: "'" }],
    ['K="\\\'"', { K: "\\'" }],
    ['A="\\0"', { A: '\\' }], // an incomplete `\0` octal loses its `0`
    ['A="\\012"', { A: '\\12' }],
    ['A="\\0777"', { A: '\\777' }],
    ['A="\\0101"', { A: 'A' }],
    ['A="\\c\\e"', { A: '\\c\\e' }],
    ['A="\\$B \\${B} $B"', { A: '$B ${B} b' }],
    ['K="a\\\n b"', { K: 'a\\\n b' }],
    ['K=v\r\nL=w\r\n', { K: 'v', L: 'w' }],
    ['K="v"\r\n', { K: 'v' }],
    ['K:\nL=', { K: '', L: '' }],
    ['A=1\nA=2', { A: '2' }],
    ['A=1\nA\n', { A: '1' }], // nothing to inherit: the earlier value stays
    ['export\nA=1', { A: '1' }],
    ['export =1', { '': '1' }],
    ['a[1]=c', { 'a[1]': 'c' }],
    ['A=${UNSET:-d} ${B:+set}', { A: 'd set' }],
    ['A="multi\nline $B"', { A: 'multi\nline b' }],
  ])('%j', (text, expected) => {
    expect(parse(text, envOf({ B: 'b' }))).toEqual(expected);
  });

  it('inherits a bare key at the very end of the text (compose-go would define "" = "KEY" instead)', () => {
    expect(parse('A=1\nKEY', envOf({ KEY: 'inherited' }))).toEqual({ A: '1', KEY: 'inherited' });
  });

  it('parses several statements (TestParse)', () => {
    expect(parse('ONE=1\nTWO=\'2\'\nTHREE = "3"')).toEqual({ ONE: '1', TWO: '2', THREE: '3' });
  });

  it('keeps line breaks inside double quotes (TestVariableStringValueSeparator)', () => {
    const text = 'TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"';
    expect(parse(text)).toEqual({
      TEST_URLS: 'stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443',
    });
  });

  it('accepts letters, digits, `_ . - [ ]` in keys (TestParseBytes)', () => {
    const text = '\na=b\na[1]=c\na.propertyKey=d\nárvíztűrő-TÜKÖRFÚRÓGÉP=ÁRVÍZTŰRŐ-tükörfúrógép\n';
    expect(parse(text)).toEqual({
      a: 'b',
      'a[1]': 'c',
      'a.propertyKey': 'd',
      'árvíztűrő-TÜKÖRFÚRÓGÉP': 'ÁRVÍZTŰRŐ-tükörfúrógép',
    });
  });

  it.each(['\n', '\r\n', '\t\t ', '# Comment', '\t # comment', ''])('ignores %j (TestLinesToIgnore)', (text) => {
    expect(parse(text)).toEqual({});
  });
});

describe('parseDotenv: interpolation (compose-go TestExpanding and var expansion tests)', () => {
  it.each([
    ['FOO=test\nBAR=$FOO', { FOO: 'test', BAR: 'test' }],
    ['FOO=test\nBAR=${FOO}bar', { FOO: 'test', BAR: 'testbar' }],
    ['BAR=$FOO', { BAR: '' }],
    ['FOO=test\nBAR="quote $FOO"', { FOO: 'test', BAR: 'quote test' }],
    ["BAR='quote $FOO'", { BAR: 'quote $FOO' }],
    [String.raw`FOO="foo\$BAR"`, { FOO: 'foo$BAR' }],
    [String.raw`FOO="foo\${BAR}"`, { FOO: 'foo${BAR}' }],
    ['FOO=test\nBAR="foo\\${FOO} ${FOO}"', { FOO: 'test', BAR: 'foo${FOO} test' }],
    ['E=\nT=Test Value\nR=${U:-Default Value}', { E: '', T: 'Test Value', R: 'Default Value' }],
    ['E=\nT=Test Value\nR=${E:-Default Value}', { E: '', T: 'Test Value', R: 'Default Value' }],
    ['E=\nT=Test Value\nR=${T:-Default Value}', { E: '', T: 'Test Value', R: 'Test Value' }],
    ['E=\nT=Test Value\nR=${E-Default Value}', { E: '', T: 'Test Value', R: '' }],
    ['E=\nT=Test Value\nR=${E?Test error}', { E: '', T: 'Test Value', R: '' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('resolves from the lookup (TestExpandingEnvironmentWithLookup)', () => {
    expect(parse('TEST=$ME', envOf({ ME: 'YES' }))).toEqual({ TEST: 'YES' });
  });

  it('lets the lookup win over the file, as compose-go does', () => {
    expect(parse('A=file\nB=$A\nC="${A}"', envOf({ A: 'os' }))).toEqual({ A: 'file', B: 'os', C: 'os' });
  });

  it('ranks earlier env files below this file (compose-go TestMultipleFiles)', () => {
    const base = 'ENV_HOSTNAME=localhost\nENV_MY_URL="http://${ENV_HOSTNAME}"\n';
    const override = 'ENV_HOSTNAME=dev.my-company.com\nENV_MY_URL="http://${ENV_HOSTNAME}"\n';
    const read = (osEnv: Lookup) => {
      const first = parseDotenv(base, 'base.env', osEnv).vars;
      const second = parseDotenv(override, 'override.env', osEnv, (n) => first.get(n)).vars;
      return Object.fromEntries([...first, ...second].map(([k, e]) => [k, e.value]));
    };
    expect(read(none)).toEqual({ ENV_HOSTNAME: 'dev.my-company.com', ENV_MY_URL: 'http://dev.my-company.com' });
    expect(read(envOf({ ENV_HOSTNAME: 'host.local' }))).toEqual({
      ENV_HOSTNAME: 'dev.my-company.com',
      ENV_MY_URL: 'http://host.local',
    });
  });

  it('inherits a bare key from earlier env files', () => {
    const { vars } = parseDotenv('A\nB=$C', 'b.env', none, envOf({ A: 'from-a', C: 'from-c' }));
    expect(Object.fromEntries([...vars].map(([k, e]) => [k, e.value]))).toEqual({ A: 'from-a', B: 'from-c' });
  });
});

describe('parseDotenv: positions', () => {
  it('records the line and column of each key, and the latest definition wins', () => {
    const text = '\uFEFFA=1\n  export B="x\ny"\r\n# c\n\tC\nA=2';
    const { vars } = parseDotenv(text, 'app.env', envOf({ C: 'c' }));
    expect([...vars]).toEqual([
      ['A', { value: '2', pos: { file: 'app.env', line: 6, col: 1 } }],
      ['B', { value: 'x\ny', pos: { file: 'app.env', line: 2, col: 10 } }],
      ['C', { value: 'c', pos: { file: 'app.env', line: 5, col: 2 } }],
    ]);
  });
});

describe('parseDotenv: errors', () => {
  it.each([
    ['lol$wut', 1, 4, 'unexpected character "$" in variable name "lol$wut"'],
    ['%!(EXTRA string)=foo', 1, 1, 'unexpected character "%" in variable name "%!(EXTRA string)=foo"'],
    ['A=1\nFOO BAR=2', 2, 1, 'key "FOO BAR" cannot contain a space'],
    ['export ', 1, 1, 'missing variable name after "export"'],
  ])('%j reports TYC0203 at %i:%i', (text, line, col, message) => {
    const { diagnostics } = parseDotenv(text, 'e.env', none);
    expect(diagnostics).toEqual([{ severity: 'error', code: 'TYC0203', message, pos: { file: 'e.env', line, col } }]);
  });

  it.each([
    'KEY="',
    'KEY="value',
    'KEY="value\\"',
    "KEY=\"value'",
    "KEY='",
    "KEY='value",
    "KEY='value\\'",
    "KEY='value\"",
  ])('reports an unterminated quote in %j (TestUnterminatedQuotes)', (text) => {
    const { vars, diagnostics } = parseDotenv(`OK=1\n${text}\nNEXT=2`, 'e.env', none);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'TYC0203', pos: { line: 2, col: 5 } });
    expect(diagnostics[0]!.message).toMatch(/^unterminated quoted value .* for key "KEY"$/);
    expect([...vars.keys()]).toEqual(['OK']);
  });

  it('goes on with the next line after a bad key', () => {
    const text = 'lol$wut\nFOO BAR="multi\nline"\nOK=1';
    const { vars, diagnostics } = parseDotenv(text, 'e.env', none);
    expect(diagnostics.map((d) => d.pos?.line)).toEqual([1, 2]);
    expect(Object.fromEntries([...vars].map(([k, e]) => [k, e.value]))).toEqual({ OK: '1' });
  });

  it.each([
    ['A=${B:?must be set}', 'TYC0201', 'A: required variable B is missing a value: must be set', 3],
    ['A=x ${B?}', 'TYC0201', 'A: required variable B is missing a value', 5],
    ['A=ok ${', 'TYC0202', 'A: invalid interpolation format for "ok ${". You may need to escape any $ with another $', 6],
    ['A= "x${B:-a\nb}"', 'TYC0202', 'A: invalid interpolation format for "x${B:-a\\nb}". You may need to escape any $ with another $', 4],
  ])('reports interpolation errors in %j', (text, code, message, col) => {
    const { vars, diagnostics } = parseDotenv(`${text}\nOK=1`, 'i.env', none);
    expect(diagnostics).toEqual([{ severity: 'error', code, message, pos: { file: 'i.env', line: 1, col } }]);
    expect([...vars.keys()]).toEqual(['OK']);
  });
});

// Expected maps come from compose-go's dotenv/godotenv_test.go for the same fixture files.
const fixtureCases: ReadonlyArray<{ file: string; env?: Record<string, string>; want: Record<string, string> }> = [
  {
    file: 'plain.env',
    // `456` is kept: compose's loaders (GetEnvFromFile, ParseWithFormat) keep it; only godotenv's Read() drops digit-led keys.
    want: { OPTION_A: '1', OPTION_B: '2', OPTION_C: '3', OPTION_D: '4', OPTION_E: '5', 456: 'ABC', OPTION_F: '', OPTION_G: '', OPTION_H: 'my string' },
  },
  { file: 'exported.env', want: { OPTION_A: '2', OPTION_B: '\\n' } },
  { file: 'equals.env', want: { OPTION_A: 'postgres://localhost:5432/database?sslmode=disable' } },
  {
    file: 'quoted.env',
    want: {
      OPTION_A: '1', OPTION_B: '2', OPTION_C: '', OPTION_D: '\\n', OPTION_E: '1', OPTION_F: '2', OPTION_G: '', OPTION_H: '\n',
      OPTION_I: "echo 'asd'", OPTION_J: 'first line\nsecond line\nthird line\nand so on', OPTION_K: "Let's go!", OPTION_Z: 'last value',
    },
  },
  {
    file: 'unquoted.env',
    want: {
      OPTION_A: 'some quoted phrase',
      OPTION_B: 'first one with an unquoted phrase',
      OPTION_C: 'then another one with an unquoted phrase',
      OPTION_D: 'then another one with an unquoted phrase special è char',
      OPTION_E: 'then another one quoted phrase',
    },
  },
  { file: 'substitutions.env', want: { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' } },
  { file: 'substitutions.env', env: { OPTION_A: '5' }, want: { OPTION_A: '1', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' } },
  { file: 'substitutions-default.env', env: { OPTION_A: '5' }, want: { OPTION_A: '5', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' } },
  { file: 'substitutions-default.env', want: { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' } },
  { file: 'inherited-multi-var.env', env: { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }, want: { foo: 'bar', VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE', bar: 'baz' } },
  { file: 'inherited-single-var.env', env: { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' }, want: { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' } },
  { file: 'inherited-not-found.env', want: {} },
  {
    file: 'utf8-bom.env',
    want: { OPTION_A: '1', OPTION_B: '2', OPTION_C: '3', OPTION_D: '4', OPTION_E: '5', 456: 'ABC', OPTION_F: '', OPTION_G: '', OPTION_H: 'my string' },
  },
  { file: 'special.env', want: { 'VAR.WITH.DOTS': 'dots', VAR_WITH_UNDERSCORES: 'underscores', 'VAR-WITH-DASHES': 'dashes' } },
  // compose-go reads this one with a custom format; the yaml-ish `KEY:value` form gives the same map.
  { file: 'custom.format', want: { FOO: 'BAR', ZOT: 'QIX' } },
];

const haveFixtures = existsSync(fixtures);
const describeFixtures = haveFixtures ? describe : describe.skip;
const read = (file: string) => readFileSync(path.join(fixtures, file), 'utf8');

describeFixtures(`parseDotenv: compose-go fixtures${haveFixtures ? '' : ` (SKIPPED: ${fixtures} not found)`}`, () => {
  it.each(fixtureCases.map((c) => [c.file, c.env ?? {}, c.want] as const))('%s with environment %j', (file, env, want) => {
    expect(parse(read(file), envOf(env))).toEqual(want);
  });

  it('still has its BOM in utf8-bom.env, and the first key starts at column 1', () => {
    const text = read('utf8-bom.env');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseDotenv(text, 'utf8-bom.env', none).vars.get('OPTION_A')?.pos).toEqual({ file: 'utf8-bom.env', line: 1, col: 1 });
  });

  it('asks the lookup for an inherited key it cannot find (TestInheritedEnvVariableNotFoundWithLookup)', () => {
    const lookup = vi.fn(none);
    expect(parse(read('inherited-not-found.env'), lookup)).toEqual({});
    expect(lookup).toHaveBeenCalledWith('VARIABLE_NOT_FOUND');
  });

  it('reports the space in a key at line 7 of invalid1.env and reads on (TestErrorParsing)', () => {
    const { vars, diagnostics } = parseDotenv(read('invalid1.env'), 'invalid1.env', none);
    expect(diagnostics).toEqual([
      { severity: 'error', code: 'TYC0203', message: 'key "INVALID LINE" cannot contain a space', pos: { file: 'invalid1.env', line: 7, col: 1 } },
    ]);
    expect(Object.fromEntries([...vars].map(([k, e]) => [k, e.value]))).toEqual({ foo: '\n  a\n  multine\n  value\n', zot: 'qix' });
  });

  it('covers every fixture file in the folder', () => {
    const tested = new Set(fixtureCases.map((c) => c.file).concat('invalid1.env'));
    const files = readdirSync(fixtures).filter((f) => !tested.has(f));
    expect(files).toEqual([]);
  });
});
