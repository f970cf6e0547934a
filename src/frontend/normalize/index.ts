import type { Diagnostic } from '../../diagnostics.js';
import type { Mount, Service, System } from '../../model/system.js';
import { Codes } from '../codes.js';
import type { LoadedProject } from '../load.js';
import { entries, isMap, report, type NormalizeContext } from './reader.js';
import { normalizeFileObjects, normalizeNetworks, normalizeVolumes } from './resources.js';
import { normalizeService, type ServiceOptions } from './service.js';
import { child, type PMap } from '../tree.js';
import { serviceNames } from './names.js';

export type { ServiceOptions as NormalizeOptions };

/** The loaded compose tree as a typed System; references between its parts are checked here. */
export function normalizeProject(project: LoadedProject, opts: ServiceOptions, diagnostics: Diagnostic[]): System {
  const ctx: NormalizeContext = { diagnostics, projectDir: project.dir, projectName: project.name, ...(project.within !== undefined ? { within: project.within } : {}) };
  const lookup = project.env.lookup;
  const services: Service[] = [];
  const trees = new Map<string, PMap>();
  for (const [name, svc, pos] of entries(child(project.root, 'services'))) {
    if (!isMap(svc)) continue;
    const service = normalizeService(name, svc, pos, lookup, ctx, opts);
    if (service) services.push(service);
    trees.set(name, svc);
  }
  const system: System = {
    name: project.name,
    services: serviceNames(trees, services),
    volumes: normalizeVolumes(project.root, ctx),
    configs: normalizeFileObjects(project.root, 'configs', lookup, ctx),
    secrets: normalizeFileObjects(project.root, 'secrets', lookup, ctx),
    networks: normalizeNetworks(project.root),
    labels: {},
  };
  checkReferences(system, ctx);
  return system;
}

/** Compose refuses a service that mounts an undefined volume, config or secret; so do we. */
function checkReferences(system: System, ctx: NormalizeContext): void {
  const defined = {
    volume: new Set(system.volumes.map((v) => v.name)),
    config: new Set(system.configs.map((c) => c.name)),
    secret: new Set(system.secrets.map((s) => s.name)),
  };
  for (const svc of system.services) {
    for (const m of svc.container.mounts) {
      const ref = referenceOf(m);
      if (ref && !defined[ref.kind].has(ref.name)) {
        report(ctx, Codes.undefinedReference, `service \`${svc.name}\` uses ${ref.kind} \`${ref.name}\`, which is not defined at the top level`, m.pos);
      }
    }
  }
}

function referenceOf(m: Mount): { kind: 'volume' | 'config' | 'secret'; name: string } | undefined {
  if (m.type === 'volume') return m.volume ? { kind: 'volume', name: m.volume } : undefined;
  if (m.type === 'config' || m.type === 'secret') return { kind: m.type, name: m.source };
  return undefined;
}
