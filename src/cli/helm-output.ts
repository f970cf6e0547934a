import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../emit/chart.js';
import { emitHelmChart, TEMPLATE_MARK } from '../emit/helm/index.js';
import type { System } from '../model/system.js';

/**
 * Writes the chart into `dir`, and removes the templates an earlier compile wrote there of
 * objects this one no longer has (Helm renders every file in templates/); files of the user's own
 * are left alone.
 */
export function writeHelmChart(dir: string, system: System, manifests: readonly Manifest[]): void {
  const files = emitHelmChart(system, manifests);
  const templates = join(dir, 'templates');
  mkdirSync(templates, { recursive: true });
  for (const entry of readdirSync(templates, { withFileTypes: true })) {
    const { name } = entry;
    const path = join(templates, name);
    if (files.has(`templates/${name}`) || !name.endsWith('.yaml') || !entry.isFile()) continue;
    if (readFileSync(path, 'utf8').startsWith(`${TEMPLATE_MARK}\n`)) rmSync(path);
  }
  for (const [name, content] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}
