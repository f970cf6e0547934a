import type { Chart } from '../../constructs/cdk8s.js';
import { IngressPolicy } from '../../constructs/network-policy.js';
import type { Isolation, System } from '../model/system.js';
import { objectLabels, selectorLabels } from './labels.js';
import { dnsLabel } from './names.js';
import { traced } from './trace.js';

const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * The pod label that says a service is on a compose network. Peers are selected by it rather than
 * by their names: a policy naming every peer would make the output grow with the square of the
 * number of services on a network.
 */
export function networkLabel(network: string): string {
  const valid = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(network);
  return `network.tychoc.io/${valid ? network : dnsLabel(network)}`;
}

/** The network labels of a service's pods; none unless the networks pass confined it. */
export function networkLabels(iso: Isolation | undefined): Record<string, string> {
  return Object.fromEntries((iso?.networks ?? []).map((n) => [networkLabel(n), 'true']));
}

/**
 * One NetworkPolicy per service from the networks pass's isolation. Only incoming traffic is
 * confined: pods must still reach cluster DNS (often outside the namespace, at an address that
 * differs between clusters), images' own update or license checks and external databases,
 * and compose itself does not restrict outgoing traffic except on `internal` networks.
 */
export function addNetworkPolicies(chart: Chart, system: System): void {
  const services = new Map(system.services.map((s) => [s.name, s]));
  for (const iso of system.isolation ?? []) {
    const name = dnsLabel(iso.service, true);
    // A service of a group is the group's pod.
    const pods = selectorLabels(system, services.get(iso.service)!.pod ?? name);
    // The peers' selector is this system's selector without the service name, which varies.
    const { [NAME_LABEL]: _own, ...systemPods } = pods;
    const at = services.get(iso.service)!.pos;
    traced(new IngressPolicy(chart, `network-policy-${iso.service}`, {
      name,
      labels: objectLabels(system, name),
      podSelector: pods,
      peers: { labels: systemPods, anyOf: iso.networks.map(networkLabel) },
      openPorts: iso.open,
      ...(iso.clients ? { clients: iso.clients } : {}),
    }), at);
  }
}
