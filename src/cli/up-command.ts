import type { Command } from 'commander';
import { newSid } from '../executor/systems.js';
import { ClusterError } from '../executor/errors.js';
import { clusterCommand, exitCodeFor, withCluster } from './cluster-options.js';
import { addDeployOptions, runDeploy, type DeployFlags } from './deploy-run.js';
import { ExitCode, type Io } from './io.js';
import { clusterNodes, compilePlanned } from './planned-compile.js';
import { withProjectOptions, type ProjectFlags } from './project-options.js';
import { composeRequest, remote, remoteClient, showSystems, withRemoteOptions, type RemoteFlags } from './remote.js';

type UpFlags = DeployFlags & ProjectFlags & RemoteFlags;

/** `tychoc up [files...]`: compile compose files and run the system on the cluster. */
export function upCommand(io: Io, version: string): Command {
  const cmd = withProjectOptions(clusterCommand(io, 'up').description('compile compose files and run them on a cluster as a new system (or update one with --sid)'));
  return withRemoteOptions(addDeployOptions(cmd)).action(async (files: string[], flags: UpFlags) => {
    io.exit(await runUp(io, files, flags, version));
  });
}

async function runUp(io: Io, files: string[], flags: UpFlags, version: string): Promise<ExitCode> {
  if (flags.server) return runUpRemote(io, files, flags);
  // Chosen before compiling, so that every label and selector the compiler writes names it.
  const sid = flags.sid ?? newSid();
  // Shard counts left to a plan are planned on the cluster's nodes, as they are now.
  let result;
  try {
    result = await compilePlanned(io, files, flags, { sid, username: flags.username }, clusterNodes(io, flags));
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e;
    io.stderr(`tychoc: ${e.message}\n`);
    return exitCodeFor(e.kind);
  }
  if (!result?.system) return ExitCode.input;
  const { manifests, system } = result;
  return withCluster(io, flags, (kube) => runDeploy(io, kube, manifests!, system.name, { ...flags, newSid: sid }, version, false));
}

/** `up --server`: the server compiles and deploys; the compose file and its .env are sent as they are. */
async function runUpRemote(io: Io, files: string[], flags: UpFlags): Promise<ExitCode> {
  const client = await remoteClient(io, flags);
  if (typeof client === 'number') return client;
  const request = composeRequest(io, [...files, ...(flags.file ?? [])]);
  if (!request) return ExitCode.input;
  const name = flags.projectName ?? flags.name;
  return remote(io, async () => {
    const system = await client.start({ ...request, ...(name ? { name } : {}), ...(flags.username ? { username: flags.username } : {}), ...(flags.namespace ? { namespace: flags.namespace } : {}) });
    io.stdout(flags.output === 'json' ? `${JSON.stringify(system, null, 2)}\n` : showSystems([system], false));
    return ExitCode.ok;
  });
}
