import { Command, Option } from 'commander';
import type { SourcePos } from '../diagnostics.js';
import type { ExplainedObject, Origin } from '../explain/index.js';
import { parseSid } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { compilePlanned } from './planned-compile.js';
import { withProjectOptions, type ProjectFlags } from './project-options.js';
import { displayPath } from './render.js';

interface ExplainFlags extends ProjectFlags {
  service?: string;
  kind?: string;
  format: 'text' | 'json';
  namespace?: string;
  sid?: string;
}

/** `tychoc explain [files...]`: each field of each compiled object, with the compose line (or .env line, policy, option, default) that caused it. */
export function explainCommand(io: Io): Command {
  return withProjectOptions(new Command('explain').description('compile compose files and show, for every field of every object, the compose line (or .env line, policy setting, option or default) that caused it'))
    .option('--service <name>', 'only the objects of this compose service')
    .option('--kind <kind>', 'only objects of this kind (e.g. Deployment, Service; case-insensitive)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-n, --namespace <namespace>', 'namespace for every object, as compile -n')
    .option('--sid <id>', 'system id label, as compile --sid', parseSid)
    .option('-q, --quiet', 'do not print warnings')
    .action(async (files: string[], flags: ExplainFlags) => io.exit(await runExplain(io, files, flags)));
}

async function runExplain(io: Io, files: string[], flags: ExplainFlags): Promise<ExitCode> {
  const result = await compilePlanned(io, files, flags, { namespace: flags.namespace, sid: flags.sid });
  if (!result?.project || !result.system) return ExitCode.input;
  if (flags.service !== undefined && !result.system.services.some((s) => s.name === flags.service)) {
    io.stderr(`tychoc: no service ${flags.service} (services: ${result.system.services.map((s) => s.name).join(', ')})\n`);
    return ExitCode.usage;
  }
  const { explainManifests } = await import('../explain/index.js');
  const objects = explainManifests(result.system, result.project.root, result.manifests!, { sid: flags.sid !== undefined })
    .filter((o) => flags.service === undefined || o.service === flags.service)
    .filter((o) => flags.kind === undefined || o.kind.toLowerCase() === flags.kind.toLowerCase());
  const where = (pos: SourcePos) => `${displayPath(pos.file, io.cwd)}:${pos.line}:${pos.col}`;
  if (flags.format === 'json') {
    const json = objects.map((o) => ({ ...o, fields: o.fields.map((f) => ({ ...f, origin: originJson(f.origin, where) })) }));
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.stdout(objects.map((o) => explainText(o, where)).join('\n'));
  }
  return ExitCode.ok;
}

/** `apps/v1 Deployment web`, then a line per field: its path, value and cause, in columns. */
function explainText(o: ExplainedObject, where: (pos: SourcePos) => string): string {
  const rows = o.fields.map((f) => [f.path, short(f.value), originText(f.origin, where)] as const);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${o.apiVersion} ${o.kind} ${o.name}\n${rows.map((r) => `  ${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2]}\n`).join('')}`;
}

/** `compose.yaml:4:12 services.web.image` (and `via .env:1:1`), `policy security.profile`, `option --sid`, `default`. */
function originText(origin: Origin, where: (pos: SourcePos) => string): string {
  switch (origin.type) {
    case 'compose': return `${where(origin.pos)} ${origin.key}${origin.via ? ` via ${origin.via.map(where).join(', ')}` : ''}`.trimEnd();
    case 'policy': return `policy ${origin.setting}`;
    case 'option': return `option ${origin.option}`;
    case 'default': return 'default';
  }
}

function originJson(origin: Origin, where: (pos: SourcePos) => string): object {
  if (origin.type !== 'compose') return origin;
  return { type: 'compose', at: where(origin.pos), key: origin.key, ...(origin.via ? { via: origin.via.map(where) } : {}) };
}

/** A value on one line, long ones cut: the manifest itself is what `compile` prints. */
function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.replace(/\n/g, '\\n');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
