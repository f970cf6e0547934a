import type { Command } from 'commander';
import { ClusterError } from '../executor/errors.js';
import { clusterCommand, exitCodeFor, parseSid, withCluster, type ClusterFlags } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { clusterNodes, compilePlanned } from './planned-compile.js';
import { withProjectOptions, type ProjectFlags } from './project-options.js';

interface DiffFlags extends ClusterFlags, ProjectFlags {
  sid?: string;
}

/** Exit code of a diff that found differences; 0 when there are none, 2 and above for errors, as `kubectl diff`. */
const DIFFERENT = 1 as ExitCode;

/** `tychoc diff [files...]`: what `up --sid`/`apply` would change on the live system, as a unified diff per object. */
export function diffCommand(io: Io, version: string): Command {
  return withProjectOptions(clusterCommand(io, 'diff'))
    .description('compile compose files and show, object by object, what deploying them would change on the live system (server-side dry run); exit 0: no differences, 1: differences')
    .option('-n, --namespace <namespace>', 'namespace of the project\'s system (default: the context\'s, else `default`)')
    .option('--sid <id>', 'compare with this system (default: the project\'s one system in the namespace)', parseSid)
    .action(async (files: string[], flags: DiffFlags) => io.exit(await runDiff(io, files, flags, version)));
}

async function runDiff(io: Io, files: string[], flags: DiffFlags, version: string): Promise<ExitCode> {
  let result;
  try {
    // Shard counts left to a plan are planned on the cluster's nodes, as up plans them.
    result = await compilePlanned(io, files, flags, {}, clusterNodes(io, flags));
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e;
    io.stderr(`tychoc: ${e.message}\n`);
    return exitCodeFor(e.kind);
  }
  // Input errors are not "differences": like kubectl diff, anything above 1 is a failure.
  if (!result?.system) return ExitCode.usage;
  const { manifests, system } = result;
  return withCluster(io, flags, async (kube) => {
    const [{ diffSystem }, { objectDiff }] = await Promise.all([import('../executor/diff.js'), import('./object-diff.js')]);
    const found = await diffSystem(kube, { app: system.name, manifests: manifests!, ...(flags.sid ? { sid: flags.sid } : {}), namespace: flags.namespace ?? kube.defaultNamespace, tooling: `tychoc/${version}` });
    const diffs = found.objects.map(objectDiff).filter((d) => d !== undefined);
    if (flags.output === 'json') {
      io.stdout(`${JSON.stringify({ sid: found.isNew ? null : found.sid, namespace: found.namespace, objects: diffs }, null, 2)}\n`);
    } else {
      if (found.isNew && !flags.quiet) io.stderr(`tychoc: project ${system.name} has no system in namespace ${found.namespace}: every object would be created\n`);
      io.stdout(diffs.map((d) => d.diff).join(''));
    }
    return diffs.length > 0 ? DIFFERENT : ExitCode.ok;
  });
}
