import { Codes } from '../frontend/codes.js';
import type { System } from '../model/system.js';
import type { Pass } from './pass.js';

/**
 * With the `home` option (a launch for a user), records the directories to make on the shared
 * claim of users' homes. Only services that mount that claim get the init container that makes
 * them; a launch whose services mount none of it is told so.
 */
export function homePass(): Pass {
  return {
    name: 'home',
    run: (system, ctx) => {
      const home = ctx.options.home;
      if (!home) return system;
      const safe = (d: string) => /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(d) && !d.split('/').some((s) => s === '.' || s === '..');
      const bad = [...home.dirs, ...home.shared].find((d) => !safe(d));
      if (bad !== undefined) {
        ctx.error(Codes.invalidValue, `home directory ${JSON.stringify(bad)} is not a relative path of letters, digits, '.', '_' and '-'`);
        return system;
      }
      if (!mountsClaim(system, home.claim)) ctx.warn(Codes.ineffectiveSetting, `no service mounts the homes' claim \`${home.claim}\`, so no home is made`);
      return { ...system, home };
    },
  };
}

/** Whether some service mounts the claim, through an external volume of that name. */
export function mountsClaim(system: System, claim: string, service?: string): boolean {
  const volumes = new Set(system.volumes.filter((v) => v.external && (v.externalName ?? v.name) === claim).map((v) => v.name));
  return system.services.some((svc) => (service === undefined || svc.name === service) && svc.container.mounts.some((m) => m.type === 'volume' && m.volume !== undefined && volumes.has(m.volume)));
}
