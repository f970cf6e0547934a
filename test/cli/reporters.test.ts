import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { codeMeanings } from '../../src/cli/code-meanings.js';
import { formatDiagnostics, useColour } from '../../src/cli/reporters.js';
import { Codes } from '../../src/frontend/codes.js';
import { runCli } from '../run-cli.js';

const root = new URL('../../', import.meta.url).pathname;
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

// A project whose file name needs escaping, with a warning (line 3) and an error (line 4).
const project = mkdtempSync(join(tmpdir(), 'tychoc-reporters-'));
mkdirSync(join(project, 'app dir'));
writeFileSync(join(project, 'app dir', 'a,b.yaml'), 'services:\n  web:\n    image: nginx:${TAG}\n    portz: ["80"]\n');
const compile = (...args: string[]) => runCli(['compile', 'app dir/a,b.yaml', ...args], project);

describe('--reporter', () => {
  it('text (the default) is file:line:col severity CODE message with the source line', async () => {
    const run = await compile();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe((await compile('--reporter', 'text')).stderr);
    expect(run.stderr).toBe([
      'app dir/a,b.yaml:3:12 warning TYC0204 variable `TAG` is not set (in `services.web.image`); using an empty string',
      '  3 |     image: nginx:${TAG}',
      '    |            ^',
      'app dir/a,b.yaml:4:5 error TYC0301 unknown key `portz` in service `web`, did you mean `ports`?',
      '  4 |     portz: ["80"]',
      '    |     ^',
      '',
    ].join('\n'));
  });

  it('github prints workflow commands, properties escaped', async () => {
    const run = await compile('--reporter', 'github');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe([
      '::warning file=app dir/a%2Cb.yaml,line=3,col=12,title=TYC0204::variable `TAG` is not set (in `services.web.image`); using an empty string',
      '::error file=app dir/a%2Cb.yaml,line=4,col=5,title=TYC0301::unknown key `portz` in service `web`, did you mean `ports`?',
      '',
    ].join('\n'));
    // The runner unescapes %25, %0D and %0A in messages, and : and , too in properties.
    expect(formatDiagnostics([{ severity: 'error', code: 'TYC0104', message: '100% broken\r\nhere', pos: { file: '/x/c:d.yaml', line: 1, col: 1 } }], 'github', '/x'))
      .toBe('::error file=c%3Ad.yaml,line=1,col=1,title=TYC0104::100%25 broken%0D%0Ahere\n');
    expect(formatDiagnostics([{ severity: 'error', code: 'TYC0106', message: 'no compose file' }], 'github', '/x')).toBe('::error title=TYC0106::no compose file\n');
  });

  it('json matches schemas/diagnostics.schema.json, and prints a document when all is well', async () => {
    const validate = new Ajv2020({ strict: true }).compile(readJson('schemas/diagnostics.schema.json'));
    const run = await compile('--reporter', 'json');
    const doc = JSON.parse(run.stderr);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toEqual({
      version: 1,
      tool: { name: 'tychoc', version: readJson('package.json').version },
      summary: { errors: 1, warnings: 1 },
      diagnostics: [
        { severity: 'warning', code: 'TYC0204', message: 'variable `TAG` is not set (in `services.web.image`); using an empty string', file: 'app dir/a,b.yaml', line: 3, column: 12 },
        { severity: 'error', code: 'TYC0301', message: 'unknown key `portz` in service `web`, did you mean `ports`?', file: 'app dir/a,b.yaml', line: 4, column: 5 },
      ],
    });
    const clean = await runCli(['compile', '--reporter', 'json', join(root, 'fixtures/web-and-database/compose.yaml')], project);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stderr)).toMatchObject({ summary: { errors: 0, warnings: 0 }, diagnostics: [] });
  });

  it('sarif is a SARIF 2.1.0 log valid against the OASIS schema, a rule per code, locations relative to the working directory', async () => {
    const ajv = new AjvDraft04({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(readJson('test/schemas/sarif-schema-2.1.0.json'));
    const run = await compile('--reporter', 'sarif');
    const log = JSON.parse(run.stderr);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const [only] = log.runs;
    expect(log.runs).toHaveLength(1);
    expect(only.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(Object.values(Codes));
    expect(only.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `file://${project}/` } });
    expect(only.results).toEqual([
      {
        ruleId: 'TYC0204', ruleIndex: Object.values(Codes).indexOf('TYC0204'), level: 'warning',
        message: { text: 'variable `TAG` is not set (in `services.web.image`); using an empty string' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'app%20dir/a%2Cb.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 12 } } }],
      },
      {
        ruleId: 'TYC0301', ruleIndex: Object.values(Codes).indexOf('TYC0301'), level: 'error',
        message: { text: 'unknown key `portz` in service `web`, did you mean `ports`?' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'app%20dir/a%2Cb.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 5 } } }],
      },
    ]);
    // A file outside the working directory is an absolute file URI; no position, no location.
    const outside = formatDiagnostics([{ severity: 'error', code: 'TYC0104', message: 'm', pos: { file: '/elsewhere/x.yaml', line: 2, col: 3 } }, { severity: 'error', code: 'TYC0106', message: 'n' }], 'sarif', project);
    expect(validate(JSON.parse(outside))).toBe(true);
    expect(JSON.parse(outside).runs[0].results.map((r: { locations?: unknown }) => r.locations)).toEqual([
      undefined,
      [{ physicalLocation: { artifactLocation: { uri: 'file:///elsewhere/x.yaml' }, region: { startLine: 2, startColumn: 3 } } }],
    ]);
  });

  it('refuses a reporter it does not know as a usage error', async () => {
    const run = await compile('--reporter', 'junit');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'junit' is invalid. Allowed choices are text, github, json, sarif/);
  });
});

describe('colour', () => {
  it('is used on a terminal only, never with NO_COLOR, and anywhere with FORCE_COLOR', () => {
    expect(useColour({ env: {}, stderrIsTTY: true })).toBe(true);
    expect(useColour({ env: {}, stderrIsTTY: false })).toBe(false);
    expect(useColour({ env: { TERM: 'dumb' }, stderrIsTTY: true })).toBe(false);
    expect(useColour({ env: { NO_COLOR: '1' }, stderrIsTTY: true })).toBe(false);
    expect(useColour({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, stderrIsTTY: true })).toBe(false);
    expect(useColour({ env: { NO_COLOR: '' }, stderrIsTTY: true })).toBe(true);
    expect(useColour({ env: { FORCE_COLOR: '1' }, stderrIsTTY: false })).toBe(true);
    expect(useColour({ env: { FORCE_COLOR: '0' }, stderrIsTTY: true })).toBe(false);
  });

  it('marks the position, severity, code and caret in text diagnostics, and nothing else', async () => {
    const coloured = (await compile('-q')).stderr.length > 0 ? await runCli(['compile', 'app dir/a,b.yaml', '-q'], project, { FORCE_COLOR: '1' }) : undefined;
    expect(coloured?.stderr).toBe([
      '\x1b[1mapp dir/a,b.yaml:4:5\x1b[0m \x1b[1;31merror\x1b[0m \x1b[2mTYC0301\x1b[0m unknown key `portz` in service `web`, did you mean `ports`?',
      '  4 |     portz: ["80"]',
      '    |     \x1b[1;32m^\x1b[0m',
      '',
    ].join('\n'));
    expect((await runCli(['compile', 'app dir/a,b.yaml', '--reporter', 'json'], project, { FORCE_COLOR: '1' })).stderr).not.toContain('\x1b');
  });
});

describe('code meanings', () => {
  it('are the README diagnostics table, a row per code', () => {
    const rows = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^\| (TYC\d{4}) \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(Object.values(Codes).map((code) => [code, codeMeanings[code]]));
  });
});
