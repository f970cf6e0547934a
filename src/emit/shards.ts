import { k8s, type K8s } from '../../constructs/cdk8s.js';
import type { Service, System } from '../model/system.js';
import { selectorLabels } from './labels.js';
import { dnsLabel } from './names.js';

/** The label the StatefulSet controller puts the shard's index in (beta from Kubernetes 1.28, GA in 1.32). */
const POD_INDEX = 'apps.kubernetes.io/pod-index';

/**
 * The headless Service that names each shard, `<service>-<i>.<service>-shards`; the Service of
 * the compose name stays the frontend in front of them all, so other services reach it as before.
 */
export function shardsServiceName(svc: Service): string {
  return dnsLabel(`${svc.name}-shards`, true);
}

/**
 * What a shard knows of itself: its index, the count, and GOMAXPROCS from its CPU limit (rounded
 * up to whole CPUs) where it has one. Variables of these names in the compose file win, since the
 * app may read them with meanings of its own.
 */
export function shardEnv(svc: Service, taken: ReadonlySet<string>): K8s.EnvVar[] {
  if (!svc.sharding) return [];
  const env: K8s.EnvVar[] = [
    { name: 'SHARD_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${POD_INDEX}']` } } },
    { name: 'SHARD_COUNT', value: String(svc.sharding.count) },
  ];
  if (svc.container.resources.cpuLimit !== undefined) {
    env.push({ name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: k8s.Quantity.fromString('1') } } });
  }
  return env.filter((e) => !taken.has(e.name));
}

/**
 * Node shards: at most one per node. `minDomains` counts the nodes missing as holding none, so
 * shards beyond the nodes there are stay Pending instead of doubling up on one.
 */
export function shardSpread(system: System, svc: Service): { topologySpreadConstraints?: K8s.TopologySpreadConstraint[] } {
  if (svc.sharding?.granularity !== 'node') return {};
  return {
    topologySpreadConstraints: [{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'DoNotSchedule',
      minDomains: svc.sharding.count,
      labelSelector: { matchLabels: selectorLabels(system, dnsLabel(svc.name, true)) },
    }],
  };
}
