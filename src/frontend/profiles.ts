import { child, toPlain, withEntry, type PMap } from './tree.js';

/** Keeps services without `profiles` and those with an active profile (`*` activates all). */
export function applyProfiles(root: PMap, active: readonly string[]): PMap {
  const services = child(root, 'services');
  if (services?.kind !== 'map') return root;
  const all = active.includes('*');
  const entries = new Map([...services.entries].filter(([, e]) => {
    const profiles = toPlain(child(e.value, 'profiles') ?? { kind: 'seq', items: [], pos: e.keyPos });
    return !Array.isArray(profiles) || profiles.length === 0 || all || profiles.some((p) => active.includes(String(p)));
  }));
  return withEntry(root, 'services', { ...services, entries });
}
