import type { IngressSpec, Setting } from '../../model/system.js';
import { isSubdomain } from '../../emit/api-rules.js';
import { Codes } from '../codes.js';
import type { KomposeLabels } from './kompose-labels.js';
import { report, type NormalizeContext } from './reader.js';
import { labelNode, objectNameSetting } from './setting-values.js';

export const EXPOSE = 'kompose.service.expose';
export const INGRESS_LABELS = [EXPOSE, `${EXPOSE}.tls-secret`, `${EXPOSE}.ingress-class-name`];

/**
 * `kompose.service.expose: true,example.com,example.org/api`: an Ingress rule per entry, `true`
 * for any host, a path after the host (default `/`); `false` asks for none. TLS and the class
 * need an Ingress to apply to, as in Kompose.
 */
export function readIngress(labels: KomposeLabels, ctx: NormalizeContext, service: string): Setting<IngressSpec> | undefined {
  const [expose, tls, cls] = INGRESS_LABELS.map((l) => labels.get(l));
  if (!expose) {
    const orphan = (tls ?? cls)!;
    report(ctx, Codes.missingKey, `\`${orphan.key}\` of service \`${service}\` needs \`${EXPOSE}\`, the Ingress it applies to`, orphan.pos);
    return undefined;
  }
  const value = expose.value.trim().replace(/^[ ,]+|[ ,]+$/g, '');
  if (value.toLowerCase() === 'false') return undefined;
  const rules: { host?: string; path: string }[] = [];
  for (const entry of value.split(/[ ,]*,[ ,]*/)) {
    if (entry.toLowerCase() === 'true') {
      rules.push({ path: '/' });
      continue;
    }
    const slash = entry.indexOf('/');
    const host = slash < 0 ? entry : entry.slice(0, slash);
    const path = slash < 0 ? '/' : entry.slice(slash);
    if (!isSubdomain(host.replace(/^\*\./, ''))) {
      report(ctx, Codes.invalidValue, `\`${EXPOSE}\` must list \`true\` or host names (lower-case, a path after them), not ${JSON.stringify(entry)}`, expose.pos);
      return undefined;
    }
    rules.push({ host, path });
  }
  const secret = tls && (tls.value.toLowerCase() === 'true' ? true : objectNameSetting('Secret')(labelNode(tls), tls.key, ctx)?.value);
  const className = cls && objectNameSetting('IngressClass')(labelNode(cls), cls.key, ctx)?.value;
  if ((tls && secret === undefined) || (cls && className === undefined)) return undefined;
  return { value: { rules, ...(secret ? { tls: secret } : {}), ...(className ? { className } : {}) }, pos: expose.pos };
}
