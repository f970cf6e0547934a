import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { isDnsLabel, isSubdomain } from '../emit/api-rules.js';
import { Codes } from '../frontend/codes.js';
import { child, nodeAt, type PMap } from '../frontend/tree.js';
import { renderTemplate } from '../passes/proxy-template.js';
import { RegistryVariables, variable, type Env } from './env.js';
import { plainWithoutResets } from './merge.js';
import type { RegistrySettings } from './types.js';

/** Where homes are mounted when apps.yaml does not say. */
const HOME_MOUNT_PATH = '/home';

/** What a proxy prefix may use: the compiler's proxy template variables, rendered here with stand-ins. */
const PREFIX_VARIABLES = { app: 'app', username: 'user', sid: 'sid', service: 'service', namespace: 'namespace' };

interface FileSettings {
  readonly namespace?: string;
  readonly home?: { readonly claim: string; readonly mountPath?: string; readonly shared?: string };
  readonly proxyPrefix?: string;
}

/**
 * The launch settings: apps.yaml's `settings` (validated), with the environment's overrides over
 * them; a bad override is reported at the setting it replaces (or `settings:`, or the top).
 */
export function settingsOf(root: PMap, env: Env, diagnostics: Diagnostic[]): RegistrySettings {
  const node = child(root, 'settings');
  const file = (node ? plainWithoutResets(node) : {}) as FileSettings;
  const at = (...path: string[]): SourcePos => {
    for (let n = path.length; n > 0; n--) {
      const found = nodeAt(root, ['settings', ...path.slice(0, n)]);
      if (found) return found.keyPos ?? found.node.pos;
    }
    return nodeAt(root, ['settings'])?.keyPos ?? root.pos;
  };
  const fromEnv = (name: string, ok: (v: string) => boolean, what: string, path: string[]): string | undefined => {
    const value = variable(env, name);
    if (value === undefined || ok(value)) return value;
    diagnostics.push({ severity: 'error', code: Codes.invalidRegistry, message: `${name}=${JSON.stringify(value)} is not ${what}`, pos: at(...path) });
    return undefined;
  };
  const namespace = fromEnv(RegistryVariables.namespace, isDnsLabel, 'a namespace name (a DNS label: lowercase letters, digits and \'-\')', ['namespace']) ?? file.namespace;
  const claim = fromEnv(RegistryVariables.homeClaim, isSubdomain, 'a claim name (a DNS subdomain: lowercase letters, digits, \'-\' and \'.\')', ['home', 'claim']) ?? file.home?.claim;
  const proxyPrefix = variable(env, RegistryVariables.proxyPrefix) ?? file.proxyPrefix;
  if (proxyPrefix !== undefined) {
    const rendered = renderTemplate(proxyPrefix, PREFIX_VARIABLES);
    if ('error' in rendered) {
      const source = variable(env, RegistryVariables.proxyPrefix) !== undefined ? RegistryVariables.proxyPrefix : '`settings.proxyPrefix`';
      diagnostics.push({ severity: 'error', code: Codes.invalidRegistry, message: `the proxy prefix template of ${source} is invalid: ${rendered.error}`, pos: at('proxyPrefix') });
    }
  }
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(claim !== undefined
      ? { home: { claim, mountPath: file.home?.mountPath ?? HOME_MOUNT_PATH, ...(file.home?.shared !== undefined ? { shared: file.home.shared } : {}) } }
      : {}),
    ...(proxyPrefix !== undefined ? { proxyPrefix } : {}),
  };
}
