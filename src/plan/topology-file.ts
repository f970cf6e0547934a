import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { Codes } from '../frontend/codes.js';
import { parseCompose } from '../frontend/parse.js';
import { readText } from '../frontend/read.js';
import { describeValue, dottedPath, TYPE_WORDS } from '../frontend/schema-words.js';
import { closest } from '../frontend/suggest.js';
import { nodeAt, toPlain, type PMap, type PNode } from '../frontend/tree.js';
import { packagePath } from '../package-path.js';
import { millicores, quantityBytes } from '../quantities.js';
import type { Topology, TopologyNode } from './topology.js';

type Schema = Record<string, any>;

/** A topology file's nodes as the schema lets them through. */
interface FileNode {
  name: string;
  cpu: number | string;
  memory: number | string;
  labels?: Record<string, string>;
  schedulable?: boolean;
}

let compiled: ValidateFunction | undefined;

/** The topology schema, compiled on first use: ajv loads only for a topology file. */
function validator(): ValidateFunction {
  if (!compiled) {
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(packagePath('schemas', 'topology.schema.json'), 'utf8')) as Schema;
    // A quantity is a number or a string under one pattern, which applies to strings alone.
    compiled = new Ajv2020({ allErrors: true, verbose: true, strictTypes: false }).compile(schema);
  }
  return compiled;
}

/** The nodes a YAML or JSON file lists (schemas/topology.schema.json); every problem is reported at its key. */
export function fileTopology(path: string): { topology?: Topology; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const text = readText(path, diagnostics, undefined, 'topology file');
  if (text === undefined) return { diagnostics };
  const parsed = parseCompose(text, path);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.root) return { diagnostics };
  const validate = validator();
  const plain = toPlain(parsed.root) as { nodes: FileNode[] };
  if (!validate(plain)) {
    const found = (validate.errors ?? []).map((e) => toDiagnostic(parsed.root!, e));
    diagnostics.push(...found.sort((a, b) => a.pos!.line - b.pos!.line || a.pos!.col - b.pos!.col));
    return { diagnostics };
  }
  const seen = new Set<string>();
  const nodes = plain.nodes.map((n, i): TopologyNode => {
    const at = nodeAt(parsed.root!, ['nodes', String(i)])!.node;
    if (seen.has(n.name)) diagnostics.push(invalid(`node \`${n.name}\` is listed twice`, nodeAt(at, ['name'])!.node.pos));
    seen.add(n.name);
    return {
      name: n.name,
      cpuMillis: millicores(n.cpu)!,
      memoryBytes: quantityBytes(n.memory)!,
      labels: n.labels ?? {},
      ...(n.schedulable === false ? { unschedulable: 'schedulable: false' } : {}),
      pos: at.pos,
    };
  });
  return diagnostics.length > 0 ? { diagnostics } : { topology: { source: path, nodes }, diagnostics };
}

const invalid = (message: string, pos: SourcePos): Diagnostic => ({ severity: 'error', code: Codes.invalidTopology, message, pos });

function toDiagnostic(root: PMap, e: ErrorObject): Diagnostic {
  const path = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const at = nodeAt(root, path);
  const where = path.length === 0 ? 'at the top level' : `in \`${dottedPath(path)}\``;
  const here = (message: string, node: { node: PNode; keyPos?: SourcePos } | undefined = at) => invalid(message, node?.keyPos ?? node?.node.pos ?? root.pos);
  const value = at ? describeValue(toPlain(at.node)) : 'nothing';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params['additionalProperty']);
      const hint = closest(key, Object.keys(e.parentSchema?.['properties'] ?? {}));
      return here(`unknown key \`${key}\` ${where}${hint ? `, did you mean \`${hint}\`?` : ''}`, nodeAt(root, [...path, key]));
    }
    case 'required':
      return here(`missing required key \`${e.params['missingProperty']}\` ${where}`);
    case 'type': {
      const want = [e.params['type'] as string | string[]].flat().map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return here(`\`${dottedPath(path)}\` must be ${want}, not ${value}`);
    }
    case 'pattern':
      return here(`\`${dottedPath(path)}\` must be ${e.parentSchema?.['description'] ?? `a value matching ${e.params['pattern']}`}, not ${value}`);
    case 'minimum':
      return here(`\`${dottedPath(path)}\` must be at least ${e.params['limit']}, not ${value}`);
    case 'minItems':
      return here(`\`${dottedPath(path)}\` must list at least one node`);
    default:
      return here(`\`${dottedPath(path)}\` ${e.message ?? 'is invalid'}, not ${value}`);
  }
}
