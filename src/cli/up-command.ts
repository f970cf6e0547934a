import type { Command } from 'commander';
import { newSid } from '../executor/systems.js';
import { clusterCommand, withCluster } from './cluster-options.js';
import { addDeployOptions, runDeploy, type DeployFlags } from './deploy-run.js';
import { ExitCode, type Io } from './io.js';
import { compileProject, withProjectOptions, type ProjectFlags } from './project-options.js';

type UpFlags = DeployFlags & ProjectFlags;

/** `tychoc up [files...]`: compile compose files and run the system on the cluster. */
export function upCommand(io: Io, version: string): Command {
  const cmd = withProjectOptions(clusterCommand(io, 'up').description('compile compose files and run them on a cluster as a new system (or update one with --sid)'));
  return addDeployOptions(cmd).action(async (files: string[], flags: UpFlags) => {
    io.exit(await runUp(io, files, flags, version));
  });
}

async function runUp(io: Io, files: string[], flags: UpFlags, version: string): Promise<ExitCode> {
  // Chosen before compiling, so that every label and selector the compiler writes names it.
  const sid = flags.sid ?? newSid();
  const result = await compileProject(io, files, flags, { sid, username: flags.username });
  if (!result?.system) return ExitCode.input;
  const { manifests, system } = result;
  return withCluster(io, flags, (kube) => runDeploy(io, kube, manifests!, system.name, { ...flags, newSid: sid }, version, false));
}
