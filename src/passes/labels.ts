import { createHash } from 'node:crypto';
import { systemLabels, userLabel } from '../emit/system-labels.js';
import type { Pass } from './pass.js';

/**
 * The labels every object carries: executor, app, system id and user. Without `--sid` the id
 * is derived from the project name, so compiling stays deterministic.
 */
export function labelsPass(): Pass {
  return {
    name: 'labels',
    run: (system, ctx) => {
      const sid = ctx.options.sid ?? createHash('sha256').update(system.name).digest('hex').slice(0, 12);
      const username = ctx.options.username ? userLabel(ctx.options.username) : undefined;
      return { ...system, labels: systemLabels({ app: system.name, sid, ...(username ? { username } : {}) }) };
    },
  };
}
