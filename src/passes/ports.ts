import { Codes } from '../frontend/codes.js';
import { mapServices, type Pass } from './pass.js';

/**
 * Decides how each service is reached: its own setting (`x-tycho.expose`,
 * `kompose.service.type`) or the policy's default type. Host ports are never bound.
 */
export function portsPass(): Pass {
  return {
    name: 'ports',
    run: (system, ctx) =>
      mapServices(system, (svc) => {
        const setting = svc.settings.expose;
        if (setting && svc.ports.length === 0) {
          ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` asks to be exposed as ${setting.value} but has no ports or expose`, setting.pos);
        }
        return { ...svc, exposure: setting?.value ?? ctx.policy.ports.defaultType };
      }),
  };
}
