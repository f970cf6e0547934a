// Generates generated/api-types.ts, the TypeScript types of the API's requests and answers, from
// the JSON Schemas in schemas/api/ that the server validates with: the server's handlers and
// TychoClient use these types, so code and schemas cannot drift apart.
import { compile } from 'json-schema-to-typescript';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const dir = new URL('schemas/api/', root);
// The server's token file is not part of the API.
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'tokens.json').sort();
const schemas = new Map(files.map((f) => {
  const schema = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
  return [schema.$id, schema];
}));

// `$ref: "sid"` names another file's `$id`; each type is declared once, by its own file.
const byId = { order: 1, canRead: true, read: (file) => JSON.stringify(schemas.get(file.url.split('/').pop().replace(/#.*$/, ''))) };
const parts = [];
for (const [id, schema] of schemas) {
  const ts = await compile(schema, schema.title ?? id, {
    bannerComment: '',
    additionalProperties: false,
    declareExternallyReferenced: false,
    format: true,
    $refOptions: { resolve: { file: false, http: false, schemas: byId } },
  });
  parts.push(ts.trim());
}
mkdirSync(new URL('generated/', root), { recursive: true });
writeFileSync(new URL('generated/api-types.ts', root), `// Generated from schemas/api/*.json by scripts/build-api-types.mjs; do not edit.\n\n${parts.join('\n\n')}\n`);
