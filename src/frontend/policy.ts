import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { DEFAULT_POLICY, mergePolicy, type Policy, type PolicyOverrides } from '../model/policy.js';
import { packagePath } from '../package-path.js';
import { Codes } from './codes.js';
import { parseCompose } from './parse.js';
import { readText } from './read.js';
import { nodeAt, toPlain } from './tree.js';
import { dottedPath } from './schema-words.js';

/** The policy file a project may keep beside its compose file. */
export const POLICY_FILE = 'tycho.policy.yaml';

/**
 * The policy in force: `file` if given, else `tycho.policy.yaml` in the project directory, over
 * the defaults (sections merge key by key). Invalid files are reported with positions.
 */
export function loadPolicy(file: string | undefined, projectDir: string, diagnostics: Diagnostic[]): Policy {
  const path = file ?? (existsSync(join(projectDir, POLICY_FILE)) ? join(projectDir, POLICY_FILE) : undefined);
  if (!path) return DEFAULT_POLICY;
  const text = readText(path, diagnostics, undefined, 'policy file');
  if (text === undefined) return DEFAULT_POLICY;
  const parsed = parseCompose(text, path);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.root) return DEFAULT_POLICY;
  const plain = toPlain(parsed.root);
  // ajv is loaded only when a policy file exists: compiling never pays for it otherwise.
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(packagePath('schemas', 'policy.schema.json'), 'utf8')));
  if (!validate(plain)) {
    for (const e of validate.errors ?? []) {
      const segs = e.instancePath.split('/').slice(1);
      const extra = e.keyword === 'additionalProperties' ? [String(e.params['additionalProperty'])] : [];
      const at = nodeAt(parsed.root, [...segs, ...extra]);
      diagnostics.push({
        severity: 'error',
        code: Codes.invalidPolicy,
        message: extra.length > 0 ? `unknown policy key \`${dottedPath([...segs, ...extra])}\`` : `policy \`${dottedPath(segs)}\` ${e.message}${allowed(e.params)}`,
        pos: at?.keyPos ?? at?.node.pos ?? parsed.root.pos,
      });
    }
    return DEFAULT_POLICY;
  }
  return mergePolicy(DEFAULT_POLICY, plain as PolicyOverrides);
}

function allowed(params: Record<string, unknown>): string {
  const values = params['allowedValues'];
  return Array.isArray(values) ? `: ${values.join(', ')}` : '';
}
