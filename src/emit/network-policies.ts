import type { Chart } from '../../constructs/cdk8s.js';
import { IngressPolicy } from '../../constructs/network-policy.js';
import type { System } from '../model/system.js';
import { objectLabels, selectorLabels } from './labels.js';
import { dnsLabel } from './names.js';
import { traced } from './trace.js';

const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * One NetworkPolicy per service from the networks pass's isolation. Only incoming traffic is
 * confined: pods must still reach cluster DNS (often outside the namespace, at an address that
 * differs between clusters), images' own update or license checks and external databases,
 * and compose itself does not restrict outgoing traffic except on `internal` networks.
 */
export function addNetworkPolicies(chart: Chart, system: System): void {
  for (const iso of system.isolation ?? []) {
    const name = dnsLabel(iso.service, true);
    const pods = selectorLabels(system, name);
    // The peers' selector is this system's selector without the service name, which varies.
    const { [NAME_LABEL]: _own, ...systemPods } = pods;
    const at = system.services.find((s) => s.name === iso.service)!.pos;
    traced(new IngressPolicy(chart, `network-policy-${iso.service}`, {
      name,
      labels: objectLabels(system, name),
      podSelector: pods,
      peers: { labels: systemPods, key: NAME_LABEL, values: iso.peers.map((p) => dnsLabel(p, true)) },
      openPorts: iso.open,
    }), at);
  }
}
