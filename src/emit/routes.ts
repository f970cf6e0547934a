import type { Chart } from '../../constructs/cdk8s.js';
import { PathRoute } from '../../constructs/route.js';
import type { System } from '../model/system.js';
import { objectLabels } from './labels.js';
import { dnsLabel } from './names.js';
import { traced } from './trace.js';

/**
 * An Ingress or HTTPRoute per proxied service, when the policy asks for one of those;
 * Ambassador routes need no object of their own (the mapping is a Service annotation).
 */
export function addRoutes(chart: Chart, system: System): void {
  for (const route of system.routes ?? []) {
    if (route.via === 'ambassador') continue;
    const name = dnsLabel(route.service, true);
    traced(new PathRoute(chart, `route-${route.service}`, {
      name,
      labels: objectLabels(system, name),
      kind: route.via === 'ingress' ? 'Ingress' : 'HTTPRoute',
      prefix: route.prefix,
      rewrite: route.rewrite,
      service: name,
      port: route.port,
      ...(route.gateway ? { gateway: route.gateway } : {}),
    }), route.pos);
  }
}
