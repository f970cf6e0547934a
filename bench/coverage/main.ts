import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDir, corpusFiles } from '../../test/corpus-files.js';
import { kompose as komposeTool, komposePath } from '../tools.js';
import { classify } from './classify.js';
import { kompose, tychoc, type Converter } from './convert.js';
import { composeKeys } from './keys.js';
import { coverageMarkdown, type FixtureCoverage, type ToolName } from './report.js';

// Writes docs/kompose-coverage.md: for every compose file of Kompose's own test fixtures, the
// objects each tool emits and what each does with every key of the file.

const fixturesDir = join(corpusDir, 'kompose-fixtures');
const out = fileURLToPath(new URL('../../../docs/kompose-coverage.md', import.meta.url));

const bin = komposePath();
if (typeof bin !== 'string') throw new Error(`kompose is needed: ${bin.skipped}`);
const converters: Record<ToolName, Converter> = { tychoc, kompose: kompose(bin) };

const files = corpusFiles(fixturesDir);
if (files.length === 0) throw new Error(`no fixtures in ${fixturesDir}`);
const fixtures: FixtureCoverage[] = files.map((file) => {
  const fixture = relative(fixturesDir, file);
  process.stderr.write(`coverage: ${fixture}\n`);
  const text = readFileSync(file, 'utf8');
  const keys = composeKeys(text);
  const tool = (convert: Converter) => {
    const base = convert(text, dirname(file));
    // Keys are only told apart where the file converts at all.
    const effects = base.kinds ? keys.ids.map((id) => [id, classify(base, convert(keys.without(id), dirname(file)))] as const) : [];
    return { base, keys: Object.fromEntries(effects) };
  };
  return { fixture, tools: { tychoc: tool(converters.tychoc), kompose: tool(converters.kompose) } };
});

const versions: Record<ToolName, string> = {
  tychoc: (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  kompose: komposeTool(bin).version,
};
writeFileSync(out, coverageMarkdown(fixtures, versions));
process.stderr.write(`coverage: wrote ${out}\n`);
