import { isEnvName } from '../../emit/api-rules.js';
import type { EnvVar } from '../../model/system.js';
import { Codes } from '../codes.js';
import { parseDotenv } from '../dotenv.js';
import type { Lookup } from '../interpolate.js';
import { asMap } from '../merge.js';
import { readText } from '../read.js';
import { child, type PNode } from '../tree.js';
import { entries, flag, report, text, type NormalizeContext } from './reader.js';

/**
 * The container environment: `env_file`s in order, then `environment` on top. A bare name
 * (`- DEBUG`) takes its value from the project environment, and is left out when unset there.
 */
export function normalizeEnvironment(svc: PNode, lookup: Lookup, ctx: NormalizeContext): EnvVar[] {
  const vars = new Map<string, EnvVar>();
  for (const { path, required, at } of envFiles(child(svc, 'env_file'))) {
    const content = readText(path, required ? ctx.diagnostics : [], at.pos, 'env_file', ctx.within);
    if (content === undefined) continue;
    // A later env_file sees what earlier ones defined, as in compose.
    const parsed = parseDotenv(content, path, lookup, (name) => vars.get(name));
    ctx.diagnostics.push(...parsed.diagnostics);
    for (const [name, v] of parsed.vars) vars.set(name, { name, value: v.value, pos: at.pos, origins: [v.pos] });
  }
  const environment = child(svc, 'environment');
  for (const [name, value, keyPos] of entries(environment ? asMap(environment) : undefined)) {
    const own = value.kind === 'scalar' && value.value !== null ? String(value.value) : undefined;
    const inherited = own === undefined ? lookup(name) : undefined;
    if (own === undefined && !inherited) {
      vars.delete(name);
      continue;
    }
    const origins = inherited?.pos ? [inherited.pos] : value.kind === 'scalar' ? value.origins : undefined;
    vars.set(name, { name, value: own ?? inherited!.value, pos: keyPos, ...(origins ? { origins } : {}) });
  }
  return [...vars.values()].filter((v) => {
    if (isEnvName(v.name)) return true;
    report(ctx, Codes.invalidValue, `environment variable name ${JSON.stringify(v.name)} is empty or holds '=' or a character that is not printable ASCII, which Kubernetes refuses`, v.pos);
    return false;
  });
}

function envFiles(node: PNode | undefined): { path: string; required: boolean; at: PNode }[] {
  if (!node) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  return items.flatMap((item) => {
    const path = item.kind === 'map' ? text(child(item, 'path')) : text(item);
    const requiredNode = child(item, 'required');
    return path ? [{ path, required: requiredNode ? flag(requiredNode) : true, at: item }] : [];
  });
}
