import { INT32_MAX } from '../emit/api-rules.js';
import { memoryQuantity } from '../emit/quantities.js';
import { Codes } from '../frontend/codes.js';
import type { Resources, Service, Setting, ShardSpec } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/**
 * Shards from `x-tycho.shards`: `count: auto` taken from the plan, the settings that cannot hold
 * beside shards refused, and a shard's size made both its requests and its limits (a core shard
 * must be a Guaranteed pod for the static CPU manager to pin it). The service becomes a
 * StatefulSet of `count` pods, so that each shard has a stable index and name.
 */
export function shardsPass(): Pass {
  return {
    name: 'shards',
    run: (system, ctx) =>
      mapServices(system, (svc) => {
        const setting = svc.settings.shards;
        if (!setting) return svc;
        const count = resolveCount(svc, setting, ctx);
        const fits = [checkWorkload(svc, setting, count, ctx), checkPorts(svc, count, ctx)].every(Boolean);
        const resources = shardResources(svc, setting, ctx);
        if (count === undefined || !fits || !resources) return svc;
        return {
          ...svc,
          workload: { type: 'replicated', replicas: count, stateful: true },
          container: { ...svc.container, resources },
          sharding: { count, granularity: setting.value.granularity },
        };
      }),
  };
}

/** The count as written, or as the plan gives it for `auto`. */
function resolveCount(svc: Service, setting: Setting<ShardSpec>, ctx: PassContext): number | undefined {
  const { count } = setting.value;
  if (count !== 'auto') return count;
  const planned = ctx.options.shardCounts;
  if (!planned) {
    const how = '`tychoc compile --topology FILE` plans on a file\'s nodes, `tychoc up` on the cluster\'s (see `tychoc plan`)';
    ctx.error(Codes.unplannedShards, `the shard count of service \`${svc.name}\` is auto (\`x-tycho.shards.count\`, auto unless given), which only a plan of the cluster decides: ${how}`, setting.pos);
    return undefined;
  }
  const n = Object.hasOwn(planned, svc.name) ? planned[svc.name] : undefined;
  if (n === undefined) ctx.error(Codes.unplannedShards, `the plan gives no shard count for service \`${svc.name}\` (\`x-tycho.shards.count: auto\`)`, setting.pos);
  else if (!Number.isInteger(n) || n < 1 || n > INT32_MAX) ctx.error(Codes.unplannedShards, `the plan gives service \`${svc.name}\` ${n} shards; it needs a whole number from 1 to ${INT32_MAX}`, setting.pos);
  else return n;
  return undefined;
}

/** Shards are one long-running StatefulSet: no other controller, no run to completion, no other replica count. */
function checkWorkload(svc: Service, setting: Setting<ShardSpec>, count: number | undefined, ctx: PassContext): boolean {
  const conflict = (message: string, pos = setting.pos) => (ctx.error(Codes.conflictingSettings, message, pos), false);
  const controller = svc.settings.controller;
  if (controller && controller.value !== 'statefulset') {
    return conflict(`service \`${svc.name}\` asks for the controller ${controller.value} and for shards (\`x-tycho.shards\`), which run as a StatefulSet; drop one`, controller.pos);
  }
  const w = svc.workload;
  if (w.type === 'global') {
    return conflict(`service \`${svc.name}\` has \`deploy.mode: global\` and shards (\`x-tycho.shards\`), which run as a StatefulSet; drop one (\`granularity: node\` puts one shard on each node)`);
  }
  if (w.type === 'job') {
    return conflict(`service \`${svc.name}\` runs to completion (\`restart: "no"\` or \`on-failure\`), but shards (\`x-tycho.shards\`) are long-running; drop one`);
  }
  if (count !== undefined && w.replicas !== 1 && w.replicas !== count) {
    return conflict(`service \`${svc.name}\` has ${w.replicas} replicas (\`deploy.replicas\` or \`scale\`) but ${count} shards (\`x-tycho.shards.count\`); drop the replicas, or make them ${count}`);
  }
  return true;
}

/** A fixed host port is one port: several shards cannot all publish on it, as replicas cannot under docker compose. */
function checkPorts(svc: Service, count: number | undefined, ctx: PassContext): boolean {
  let ok = true;
  for (const p of svc.ports) {
    if (p.exposedOnly || p.published === undefined || !/^\d+$/.test(p.published) || Number(p.published) === 0) continue;
    const shards = count === undefined ? 'its shards' : `its ${count} shards`;
    const fix = `publish the container port alone (\`"${p.target}"\`): the Service \`${svc.name}\` reaches every shard`;
    ctx.error(Codes.conflictingSettings, `service \`${svc.name}\` publishes port ${p.target} on the fixed host port ${p.published}, which ${shards} cannot share; ${fix}`, p.pos);
    ok = false;
  }
  return ok;
}

/**
 * The shard's size (where given) as both requests and limits. A limit that differs is an error: the
 * compose file asks for two sizes. A reservation that differs is replaced, with a warning.
 */
function shardResources(svc: Service, setting: Setting<ShardSpec>, ctx: PassContext): Resources | undefined {
  const r = svc.container.resources;
  const { cpusPerShard, memoryPerShardBytes } = setting.value;
  const sizes = [
    { what: 'CPU', key: 'cpus', per: 'cpus_per_shard', size: cpusPerShard !== undefined ? cpusPerShard * 1000 : undefined, limit: r.cpuLimit, request: r.cpuRequest, show: cpus },
    { what: 'memory', key: 'memory', per: 'memory_per_shard', size: memoryPerShardBytes, limit: r.memoryLimitBytes, request: r.memoryRequestBytes, show: memoryQuantity },
  ];
  let ok = true;
  for (const s of sizes) {
    if (s.size === undefined) continue;
    if (s.limit !== undefined && s.limit !== s.size) {
      const message = `service \`${svc.name}\` has a ${s.what} limit of ${s.show(s.limit)} (\`deploy.resources.limits.${s.key}\`), but its shards have ${s.show(s.size)} each (\`x-tycho.shards.${s.per}\`); make them equal, or drop the limit`;
      ctx.error(Codes.conflictingSettings, message, setting.pos);
      ok = false;
    } else if (s.request !== undefined && s.request !== s.size) {
      const message = `the ${s.what} reservation of service \`${svc.name}\` (${s.show(s.request)}) becomes ${s.show(s.size)}, its shards' size: a shard's requests equal its limits`;
      ctx.warn(Codes.ineffectiveSetting, message, setting.pos);
    }
  }
  if (!ok) return undefined;
  const [cpu, memory] = sizes.map((s) => s.size);
  return {
    ...r,
    ...(cpu !== undefined ? { cpuLimit: cpu, cpuRequest: cpu } : {}),
    ...(memory !== undefined ? { memoryLimitBytes: memory, memoryRequestBytes: memory } : {}),
  };
}

/** Millicores as a number of CPUs, as compose writes them. */
function cpus(millicores: number): string {
  const n = millicores / 1000;
  return `${n} CPU${n === 1 ? '' : 's'}`;
}
