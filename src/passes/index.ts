import { autoscalingPass } from './autoscaling.js';
import { bindsPass } from './binds.js';
import { groupsPass } from './groups.js';
import { homePass } from './home.js';
import { labelsPass } from './labels.js';
import { networksPass } from './networks.js';
import type { Pass } from './pass.js';
import { portsPass } from './ports.js';
import { probesPass } from './probes.js';
import { proxyRewritePass } from './proxy-rewrite.js';
import { resourcesPass } from './resources.js';
import { schedulesPass } from './schedules.js';
import { securityPass } from './security.js';
import { shardsPass } from './shards.js';
import { volumesPass } from './volumes.js';

export { runPasses, type Pass, type PassOptions } from './pass.js';

/** The policy passes, in the order they run. */
export function defaultPasses(): Pass[] {
  // groups follow every pass that shapes a pod, whose pods they compare;
  // proxy-rewrite needs the system labels; networks needs the exposure and the routes; shards
  // follow the controller setting and come before volumes, which count a service's pods;
  // schedules and autoscaling follow both.
  return [resourcesPass(), portsPass(), shardsPass(), schedulesPass(), autoscalingPass(), volumesPass(), bindsPass(), securityPass(), probesPass(), groupsPass(), labelsPass(), proxyRewritePass(), networksPass(), homePass()];
}
