// Compiles schemas/compose-spec.json ahead of time into a standalone ajv validator module,
// so that `tychoc compile` does not pay ajv's schema compilation (0.2-0.8 s) on every start.
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/compose-spec.json', root), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false, code: { source: true, esm: true } });
let code = standaloneCode.default(ajv, ajv.compile(schema));

// ajv's ESM output still `require`s its runtime helpers; turn each into an import.
const imports = [];
code = code.replace(/require\("(ajv\/dist\/runtime\/[\w]+)"\)/g, (_, mod) => {
  const name = `runtime${imports.length}`;
  imports.push(`import ${name} from "${mod}.js";`);
  return name;
});
mkdirSync(new URL('generated/', root), { recursive: true });
writeFileSync(new URL('generated/compose-validator.js', root), `${imports.join('\n')}\n${code}`);
