import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/diagnostics.js';
import { loadProject } from '../../../src/frontend/load.js';
import { normalizeProject } from '../../../src/frontend/normalize/index.js';
import type { ServiceSettings, System } from '../../../src/model/system.js';

/** The system of a compose text and its diagnostics as `line:col severity CODE message`. */
function normalized(compose: string): { system: System; messages: string[] } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tychoc-kompose-')));
  writeFileSync(join(dir, 'compose.yaml'), compose);
  const diagnostics: Diagnostic[] = [];
  const project = loadProject({ files: ['compose.yaml'], cwd: dir, env: {}, projectName: 'demo' }, diagnostics);
  const system = normalizeProject(project!, {}, diagnostics);
  return { system, messages: diagnostics.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.severity} ${d.code} ${d.message}`) };
}

/** The settings of service `a`, given as a labels block, and the diagnostics. */
function labelled(labels: Record<string, string>, more = ''): { settings: ServiceSettings; messages: string[] } {
  const lines = Object.entries(labels).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}\n`).join('');
  const { system, messages } = normalized(`services:\n  a:\n    image: x\n    labels:\n${lines}${more}`);
  return { settings: system.services[0]!.settings, messages };
}

/** Just the values of some settings. */
function values(settings: ServiceSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, (v as { value: unknown }).value]));
}

describe('Kompose labels', () => {
  it('are read where x-tycho is silent, and x-tycho wins with a warning where both speak', () => {
    const { settings, messages } = labelled({ 'kompose.service.type': 'nodeport', 'kompose.controller.type': 'statefulset' }, '    x-tycho:\n      expose: LoadBalancer\n');
    expect(values(settings)).toEqual({ expose: 'LoadBalancer', controller: 'statefulset' });
    expect(messages).toEqual(['5:7 warning TYC0509 `kompose.service.type` of service `a` is overridden by `x-tycho.expose`']);
  });

  it('takes a ReplicationController as the Deployment that replaced it', () => {
    const { settings, messages } = labelled({ 'kompose.controller.type': 'replicationcontroller' });
    expect(values(settings)).toEqual({ controller: 'deployment' });
    expect(messages).toEqual(['5:7 warning TYC0602 `kompose.controller.type: replicationcontroller` becomes a Deployment, which replaced ReplicationControllers']);
  });

  it('reports labels tychoc does not know as dropped', () => {
    expect(labelled({ 'kompose.service.colour': 'blue' }).messages).toEqual([
      '5:7 warning TYC0502 label `kompose.service.colour` of service `a` is a Kompose option tychoc does not honour; it is dropped',
    ]);
  });
});
