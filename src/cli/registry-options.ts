import type { Command } from 'commander';
import type { Registry, ResolvedApp } from '../registry/index.js';
import { ExitCode, type Io } from './io.js';
import { reportDiagnostics, reporterOption, type Reporter } from './reporters.js';

/** Where the registry is and which of its contexts to read. */
export interface RegistryFlags {
  registry?: string;
  /** Not --context, which names the kubeconfig's. */
  appContext?: string;
  reporter?: Reporter;
}

/** Adds --registry and --app-context to a command that reads the app registry. */
export function withRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--registry <file|url>', 'the app registry, apps.yaml (default: TYCHOC_REGISTRY)')
    .option('--app-context <context>', 'the registry context whose apps to use (default: TYCHOC_CONTEXT, else the first)')
    .addOption(reporterOption());
}

/** The registry and its apps in the chosen context, or the exit code after their diagnostics. */
export async function registryApps(io: Io, flags: RegistryFlags): Promise<{ registry: Registry; apps: ReadonlyMap<string, ResolvedApp> } | ExitCode> {
  const source = flags.registry ?? io.env['TYCHOC_REGISTRY'];
  if (!source) {
    io.stderr('tychoc: no app registry: pass --registry or set TYCHOC_REGISTRY\n');
    return ExitCode.usage;
  }
  const { loadRegistry, resolveApps } = await import('../registry/index.js');
  const loaded = await loadRegistry(source, { cwd: io.cwd, env: io.env });
  const resolved = loaded.registry ? resolveApps(loaded.registry, flags.appContext) : undefined;
  const diagnostics = [...loaded.diagnostics, ...(resolved?.diagnostics ?? [])];
  if (diagnostics.length > 0) reportDiagnostics(io, diagnostics, flags.reporter);
  if (!loaded.registry || !resolved || diagnostics.some((d) => d.severity === 'error')) return ExitCode.input;
  return { registry: loaded.registry, apps: resolved.apps };
}
