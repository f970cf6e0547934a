// Compiles schemas/compose-spec.json ahead of time into a standalone ajv validator module,
// so that `tychoc compile` does not pay ajv's schema compilation (0.2-0.8 s) on every start.
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/compose-spec.json', root), 'utf8'));
// verbose: errors carry their parent schema, which names the keys allowed where one is unknown.
const ajv = new Ajv2020.default({ allErrors: true, verbose: true, strict: false, code: { source: true, esm: true } });
let code = standaloneCode.default(ajv, ajv.compile(schema));

// ajv's deep equality (for uniqueItems) calls an object's own valueOf and toString when they are
// not Object.prototype's: a compose mapping with a key `toString` would throw. Compose values are
// plain data, compared here by their own keys and values only.
const EQUAL = 'require("ajv/dist/runtime/equal").default';
if (!code.includes(EQUAL)) throw new Error('the generated validator no longer uses ajv/dist/runtime/equal');
code = code.replace(EQUAL, 'equalData');
const equalData = `function equalData(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equalData(a[k], b[k]));
}
`;

// ajv's ESM output \`require\`s its runtime helpers (ucs2length for maxLength with unicode, …);
// the schema needs none once equality is replaced, which keeps the module plain ESM: bundled
// without a require() of its own, and loaded by the unbundled build without one either.
const helper = /require\("([^"]+)"\)/.exec(code);
if (helper) throw new Error(`the generated validator needs ${helper[1]}; import it instead`);
const prelude = equalData;
mkdirSync(new URL('generated/', root), { recursive: true });
writeFileSync(new URL('generated/compose-validator.js', root), prelude + code);
