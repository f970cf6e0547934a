import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { codeMeanings } from './code-meanings.js';

const rules = Object.entries(Codes).map(([name, id]) => ({ id, name, shortDescription: { text: codeMeanings[id] } }));
const ruleIndex = new Map<string, number>(rules.map((r, i) => [r.id, i]));

/**
 * A SARIF 2.1.0 log of one run: a rule for every code tychoc has, a result per diagnostic. Files
 * under `cwd` are URIs relative to %SRCROOT% (the directory tychoc ran in), as code scanning wants
 * them relative to the repository; others are absolute file URIs.
 */
export function sarifLog(diagnostics: readonly Diagnostic[], cwd: string, version: string) {
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'tychoc', version, rules } },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href } },
      results: diagnostics.map((d) => ({
        ruleId: d.code,
        ...(ruleIndex.has(d.code) ? { ruleIndex: ruleIndex.get(d.code) } : {}),
        level: d.severity,
        message: { text: d.message },
        ...(d.pos ? { locations: [{ physicalLocation: { artifactLocation: artifact(d.pos.file, cwd), region: { startLine: d.pos.line, startColumn: d.pos.col } } }] } : {}),
      })),
    }],
  };
}

function artifact(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = file.startsWith('/') ? relative(cwd, file) : file;
  if (rel.startsWith('..')) return { uri: pathToFileURL(file).href };
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}
