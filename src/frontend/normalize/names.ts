import type { Service, ServiceName } from '../../model/system.js';
import { child, type PMap } from '../tree.js';
import { entries, strings, text } from './reader.js';

/**
 * The other names compose resolves to each service's containers: `container_name`, the
 * `aliases` it has on its networks, and the aliases other services give it in `links`
 * (`db:database`). On Kubernetes each becomes a Service of its own in front of the same pods.
 */
export function serviceNames(trees: ReadonlyMap<string, PMap>, services: readonly Service[]): Service[] {
  const names = new Map<string, ServiceName[]>(services.map((s) => [s.name, []]));
  const add = (service: string, name: ServiceName) => {
    const list = names.get(service);
    if (list && name.name !== service && !list.some((n) => n.name === name.name)) list.push(name);
  };
  for (const [service, tree] of trees) {
    const containerName = child(tree, 'container_name');
    const value = text(containerName);
    if (value) add(service, { name: value, from: 'container_name', pos: containerName!.pos });
    for (const [, network] of entries(child(tree, 'networks'))) {
      const aliases = child(network, 'aliases');
      for (const [i, alias] of strings(aliases).entries()) {
        const node = aliases?.kind === 'seq' ? aliases.items[i] : undefined;
        add(service, { name: alias, from: 'alias', pos: node?.pos ?? tree.pos });
      }
    }
    const links = child(tree, 'links');
    for (const [i, link] of strings(links).entries()) {
      const [target, alias] = link.split(':');
      const node = links?.kind === 'seq' ? links.items[i] : undefined;
      if (target && alias) add(target, { name: alias, from: 'link', pos: node?.pos ?? tree.pos });
    }
  }
  return services.map((s) => ({ ...s, names: names.get(s.name) ?? [] }));
}
