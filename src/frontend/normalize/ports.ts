import type { Port, Protocol } from '../../model/system.js';
import { Codes } from '../codes.js';
import { expandRange, parsePortSpec } from '../ports.js';
import { child, type PNode } from '../tree.js';
import { report, text, type NormalizeContext } from './reader.js';

const PROTOCOLS: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

/** `ports` and `expose` in short or long syntax, ranges expanded, duplicates folded. */
export function normalizePorts(ports: PNode | undefined, expose: PNode | undefined, ctx: NormalizeContext): Port[] {
  const out = new Map<string, Port>();
  const add = (p: Port) => {
    const key = `${p.target}/${p.protocol}`;
    const prior = out.get(key);
    if (!prior || (prior.exposedOnly && !p.exposedOnly)) out.set(key, p);
  };
  for (const item of ports?.kind === 'seq' ? ports.items : []) for (const p of readPort(item, false, ctx)) add(p);
  for (const item of expose?.kind === 'seq' ? expose.items : []) for (const p of readPort(item, true, ctx)) add(p);
  return [...out.values()];
}

function readPort(item: PNode, exposedOnly: boolean, ctx: NormalizeContext): Port[] {
  const spec =
    item.kind === 'map'
      ? { target: text(child(item, 'target')) ?? '', published: text(child(item, 'published')), protocol: text(child(item, 'protocol')) ?? 'tcp' }
      : parsePortSpec(text(item) ?? '');
  const protocol = spec && PROTOCOLS[spec.protocol.toLowerCase()];
  const targets = spec ? expandRange(spec.target) : undefined;
  if (!spec || !protocol || !targets) {
    const what = exposedOnly ? 'expose' : 'ports';
    report(ctx, Codes.invalidPort, `invalid ${what} entry ${JSON.stringify(item.kind === 'scalar' ? item.value : text(child(item, 'target')))}: expected [[IP:]HOST:]CONTAINER[/PROTOCOL] with ports 1-65535`, item);
    return [];
  }
  return targets.map((target) => ({ target, protocol, published: spec.published, exposedOnly, pos: item.pos }));
}
