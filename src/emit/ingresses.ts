import type { Chart } from '../../constructs/cdk8s.js';
import { ServiceIngress } from '../../constructs/ingress.js';
import type { System } from '../model/system.js';
import { objectLabels } from './labels.js';
import { dnsLabel } from './names.js';
import { traced } from './trace.js';

/** An Ingress per service that `kompose.service.expose` exposes, named and routed as Kompose does: the service's name and first port. */
export function addIngresses(chart: Chart, system: System): void {
  for (const svc of system.services) {
    if (!svc.ingress) continue;
    const name = dnsLabel(svc.name, true);
    const { rules, tls, className, port } = svc.ingress;
    traced(new ServiceIngress(chart, `ingress-${svc.name}`, {
      name,
      labels: objectLabels(system, name),
      rules,
      service: name,
      port,
      ...(tls ? { tls } : {}),
      ...(className ? { className } : {}),
    }), svc.settings.ingress?.pos ?? svc.pos);
  }
}
