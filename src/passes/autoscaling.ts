import { Codes } from '../frontend/codes.js';
import type { Service } from '../model/system.js';
import { mapServices, type Pass, type PassContext } from './pass.js';

/**
 * `kompose.hpa.*`: a HorizontalPodAutoscaler owns the replica count of a Deployment or
 * StatefulSet. A DaemonSet or a Job has no replica count to scale, and shards
 * (`x-tycho.shards`) are counted by the plan; there the labels are ignored, with a warning.
 */
export function autoscalingPass(): Pass {
  return {
    name: 'autoscaling',
    run: (system, ctx) => mapServices(system, (svc) => autoscale(svc, ctx)),
  };
}

function autoscale(svc: Service, ctx: PassContext): Service {
  const setting = svc.settings.autoscale;
  if (!setting) return svc;
  if (svc.sharding) {
    ctx.warn(Codes.conflictingSettings, `service \`${svc.name}\` has shards (\`x-tycho.shards\`), whose count the plan decides; its \`kompose.hpa.*\` labels are ignored`, setting.pos);
    return svc;
  }
  const w = svc.workload;
  if (w.type !== 'replicated') {
    const what = w.type === 'global' ? 'runs one pod per node (a DaemonSet)' : 'runs to completion (a Job)';
    ctx.warn(Codes.ineffectiveSetting, `service \`${svc.name}\` ${what}, which has no replica count to scale; its \`kompose.hpa.*\` labels are ignored`, setting.pos);
    return svc;
  }
  // Utilization is a share of the pods' requests; Kubernetes takes a limit as the request when only it is set.
  const r = svc.container.resources;
  const missing = [r.cpuRequest ?? r.cpuLimit, r.memoryRequestBytes ?? r.memoryLimitBytes].flatMap((v, i) => (v === undefined ? [['CPU', 'memory'][i]] : []));
  if (missing.length > 0) {
    const which = missing.join(' and ');
    const none = missing.map((m) => `no ${m}`).join(' and ');
    ctx.warn(Codes.ineffectiveSetting, `the autoscaler of service \`${svc.name}\` scales on use as a share of the pods' requests, but the service reserves ${none} (\`deploy.resources.reservations\`), so Kubernetes cannot measure its ${which} utilization`, setting.pos);
  }
  return { ...svc, autoscaler: setting.value };
}
