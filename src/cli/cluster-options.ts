import { Command, InvalidArgumentError, Option } from 'commander';
import { ClusterError, type FailureKind } from '../executor/errors.js';
import type { Kube } from '../executor/systems.js';
import { ExitCode, type Io } from './io.js';

/** Flags every command that talks to a cluster has. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: 'table' | 'json';
  requestTimeout: number;
}

/**
 * Exit codes of the cluster commands, beyond compile's 0/1/2; documented in the README.
 * 3 cannot connect, 4 not allowed, 5 conflict, 6 rejected by the server, 7 not found,
 * 8 did not become ready, 9 other server error; 130 and 143 stopped by SIGINT and SIGTERM.
 */
const EXIT: Record<FailureKind, number> = {
  config: 3,
  unreachable: 3,
  unauthorized: 4,
  forbidden: 4,
  conflict: 5,
  invalid: 6,
  quota: 6,
  notFound: 7,
  timeout: 8,
  failed: 8,
  server: 9,
  interrupted: 130,
  terminated: 143,
};

/** How long one request may take unless --request-timeout says otherwise: long enough for a busy CI cluster. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The exit code for a failure. */
export function exitCodeFor(kind: FailureKind): ExitCode {
  return EXIT[kind] as ExitCode;
}

/** A new command with the connection flags (--kubeconfig, --context, -n) and `-o table|json`. */
export function clusterCommand(io: Io, name: string): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the pod\'s service account)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(durationOption('--request-timeout <duration>', 'how long one request to the API server may take', REQUEST_TIMEOUT_MS));
}

/** A duration flag whose default shows as a duration in --help (`5m`, not milliseconds). */
export function durationOption(flags: string, description: string, defaultMs: number): Option {
  return new Option(flags, description).argParser(parseDuration).default(defaultMs, formatDuration(defaultMs));
}

/** A duration as flags take it: `2d`, `8h`, `5m`, `90s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A command that addresses one running system (`<system>`: its id, or its project's name) and may look for it in one namespace. */
export function systemCommand(io: Io, name: string, description: string): Command {
  return clusterCommand(io, name)
    .description(description)
    .argument('<system>', 'system id, or a project name with one system (see tychoc status)', parseSystem)
    .option('-n, --namespace <namespace>', 'look for the system only in this namespace');
}

/** The id of the system an argument names (see systemId). */
export async function sidOf(kube: Kube, ref: string, namespace: string | undefined): Promise<string> {
  const { systemId } = await import('../executor/systems.js');
  return systemId(kube, ref, namespace);
}

/** Connects, runs `fn`, and turns a ClusterError into one `tychoc: ...` line and its exit code. */
export async function withCluster(io: Io, flags: ClusterFlags, fn: (kube: Kube) => Promise<ExitCode>): Promise<ExitCode> {
  let kube: Kube | undefined;
  try {
    const { connect } = await import('../executor/kubeconfig.js');
    kube = await connect({ kubeconfig: flags.kubeconfig, context: flags.context, env: io.env, cwd: io.cwd, requestTimeoutMs: flags.requestTimeout });
    return await fn(kube);
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e;
    io.stderr(`tychoc: ${oneLine(e)}\n`);
    return exitCodeFor(e.kind);
  } finally {
    kube?.client.close();
  }
}

function oneLine(e: ClusterError): string {
  return e.message.replace(/\s*\n\s*/g, ' ');
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `90`, `90s`, `5m`, `1h`, `2d`, or parts together as the registry writes them (`1h30m`), into milliseconds (a bare number is seconds). */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(text)) throw new InvalidArgumentError('expected a duration such as 90s, 5m, 8h or 2d');
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Math.round(ms);
}

/** Parses a non-negative integer argument. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** Parses a system id argument. */
export function parseSid(value: string): string {
  if (!/^[a-z0-9]{1,63}$/.test(value)) throw new InvalidArgumentError('a system id is lowercase letters and digits (see tychoc status)');
  return value;
}

/** Parses an argument naming a system: its id, or the name of a project that has one system. */
export function parseSystem(value: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(value)) throw new InvalidArgumentError('expected a system id or a project name (see tychoc status)');
  return value;
}

/** Left-aligned columns separated by two spaces, as kubectl prints them. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n').join('');
}

/** How long ago, as kubectl shows ages: 45s, 12m, 3h, 5d. */
export function age(since: string, now = Date.now()): string {
  return span(now - Date.parse(since));
}

/** A length of time as kubectl shows ages: 45s, 12m, 3h, 5d. */
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (Number.isNaN(s)) return '?';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** The line a command prints while another tychoc holds the namespace it needs. */
export function waiting(io: Io): (by: { holder: string; heldSeconds: number }) => void {
  return (by) => io.stderr(`waiting for ${by.holder}, which has been changing the namespace for ${by.heldSeconds}s\n`);
}
