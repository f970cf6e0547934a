import { Command } from 'commander';
import type { ResolvedApp } from '../registry/index.js';
import { table } from './cluster-options.js';
import { ExitCode, type Io } from './io.js';
import { registryApps, withRegistryOptions, type RegistryFlags } from './registry-options.js';

interface AppsFlags extends RegistryFlags {
  output: 'table' | 'json';
}

/** `tychoc apps list|show APP`: the apps of the registry's context. */
export function appsCommand(io: Io): Command {
  const apps = new Command('apps').description('the apps of the app registry').exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  const sub = (name: string) => withRegistryOptions(new Command(name).exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) }))
    .option('-o, --output <format>', 'output format: table or json', 'table');
  apps.addCommand(sub('list').description('list the apps').action(async (flags: AppsFlags) => {
    const found = await registryApps(io, flags);
    if (typeof found === 'number') return io.exit(found);
    const list = [...found.apps.values()];
    if (flags.output === 'json') io.stdout(`${JSON.stringify(list.map(summary), null, 2)}\n`);
    else io.stdout(table([['APP', 'NAME', 'INSTANCES', 'MAX CPU', 'MAX MEMORY', 'MAX GPUS'], ...list.map((a) => [a.id, a.name, a.instances === undefined ? '-' : String(a.instances), a.resources.max.cpu ?? '-', a.resources.max.memory ?? '-', String(a.resources.max.gpus ?? 0)])]));
    io.exit(ExitCode.ok);
  }));
  apps.addCommand(sub('show').description('show one app, every layer of the registry merged').argument('<app>', 'the app\'s id').action(async (id: string, flags: AppsFlags) => {
    const found = await registryApps(io, flags);
    if (typeof found === 'number') return io.exit(found);
    const app = found.apps.get(id);
    if (!app) {
      io.stderr(`tychoc: no app ${id} in context ${flags.appContext ?? found.registry.defaultContext} (apps: ${[...found.apps.keys()].join(', ') || 'none'})\n`);
      return io.exit(ExitCode.input);
    }
    io.stdout(`${JSON.stringify(summary(app), null, 2)}\n`);
    io.exit(ExitCode.ok);
  }));
  return apps;
}

/** An app as shown: every field but where it was read from. */
function summary(app: ResolvedApp): Omit<ResolvedApp, 'pos' | 'compose'> & { compose: string } {
  const { pos: _pos, compose, ...rest } = app;
  return { ...rest, compose: 'path' in compose ? compose.path : compose.name };
}
