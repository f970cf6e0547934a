import { Codes } from '../frontend/codes.js';
import type { Workload } from '../model/system.js';
import { mapServices, type Pass } from './pass.js';

/**
 * Resource and controller decisions compose leaves open: GPUs are an extended resource of the
 * policy's name (`count: all` needs a number on Kubernetes), and a controller type setting
 * (`kompose.controller.type`) overrides the default.
 */
export function resourcesPass(): Pass {
  return {
    name: 'resources',
    run: (system, ctx) =>
      mapServices(system, (svc) => {
        let out = svc;
        const gpus = svc.container.resources.gpus;
        if (gpus) {
          if (gpus.count === 'all') ctx.warn(Codes.unrepresentable, `service \`${svc.name}\` asks for all GPUs; Kubernetes needs a number, so 1 is requested (set count)`, gpus.pos);
          const { resource, toleration } = ctx.policy.gpus;
          const asked = { count: gpus.count === 'all' ? 1 : gpus.count, pos: gpus.pos, resource, toleration };
          out = { ...out, container: { ...out.container, resources: { ...out.container.resources, gpus: asked } } };
        }
        const controller = svc.settings.controller;
        if (controller) out = { ...out, workload: controllerWorkload(controller.value, svc.workload) };
        return out;
      }),
  };
}

function controllerWorkload(kind: 'deployment' | 'daemonset' | 'statefulset', current: Workload): Workload {
  if (kind === 'daemonset') return { type: 'global' };
  const replicas = current.type === 'replicated' ? current.replicas : 1;
  return { type: 'replicated', replicas, ...(kind === 'statefulset' ? { stateful: true } : {}) };
}
