import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Manifest } from '../emit/chart.js';
import { clusterCommand, withCluster } from './cluster-options.js';
import { addDeployOptions, runDeploy, type DeployFlags } from './deploy-run.js';
import { ExitCode, type Io } from './io.js';

interface ApplyFlags extends DeployFlags {
  projectName?: string;
}

/** `tychoc apply DIR|FILE|-`: run precompiled manifests as a system; applying again updates and prunes it. */
export function applyCommand(io: Io, version: string): Command {
  const cmd = clusterCommand(io, 'apply')
    .description('apply manifests from `tychoc compile` as a system; again, it updates that system and prunes what was removed')
    .argument('<source>', 'a directory from `tychoc compile -o`, a YAML/JSON file, or `-` for standard input')
    .option('-p, --project-name <name>', 'project name (default: the app.kubernetes.io/part-of label of the objects)');
  return addDeployOptions(cmd).action(async (source: string, flags: ApplyFlags) => {
    const [{ sortManifests }, { ManifestError, readManifests }] = await Promise.all([import('../emit/serialize.js'), import('../executor/read-manifests.js')]);
    let manifests: Manifest[];
    try {
      manifests = readManifests(source === '-' ? source : resolve(io.cwd, source), () => readFileSync(0, 'utf8'));
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      io.stderr(`tychoc: ${e.message}\n`);
      return io.exit(ExitCode.input);
    }
    const app = flags.projectName ?? projectOf(manifests);
    if (!app) {
      io.stderr('tychoc: the objects do not name one project (label app.kubernetes.io/part-of); pass -p NAME\n');
      return io.exit(ExitCode.usage);
    }
    const namespaces = new Set(manifests.map((m) => m.metadata.namespace).filter((n) => n !== undefined));
    if (!flags.namespace && namespaces.size > 1) {
      io.stderr(`tychoc: the objects are in several namespaces (${[...namespaces].join(', ')}); pass -n NAMESPACE\n`);
      return io.exit(ExitCode.usage);
    }
    const namespace = flags.namespace ?? [...namespaces][0];
    io.exit(await withCluster(io, flags, (kube) => runDeploy(io, kube, sortManifests(manifests), app, { ...flags, namespace }, version, true)));
  });
}

function projectOf(manifests: readonly Manifest[]): string | undefined {
  const names = new Set(manifests.map((m) => (m.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/part-of']));
  const [name] = names;
  return names.size === 1 ? name : undefined;
}
