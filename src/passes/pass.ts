import type { Diagnostic, SourcePos } from '../diagnostics.js';
import type { Policy } from '../model/policy.js';
import type { HomePreparation, System } from '../model/system.js';

/** Options that are not policy: who launches the system and under which id. */
export interface PassOptions {
  readonly sid?: string;
  readonly username?: string;
  /** The namespace objects go to, when one is given. */
  readonly namespace?: string;
  /** Handlebars templates by file name: the built-in ones, or their overrides from `--templates`. */
  readonly templates?: ReadonlyMap<string, string>;
  /** Directories to make on a shared claim before the services start, as a user (a launch for a user). */
  readonly home?: HomePreparation;
  /** Per service, the address ranges (CIDRs) that alone may connect from outside the system. */
  readonly clients?: Readonly<Record<string, readonly string[]>>;
  /** Per service, its number of shards as planned against the cluster: what `x-tycho.shards.count: auto` becomes. */
  readonly shardCounts?: Readonly<Record<string, number>>;
}

export interface PassContext {
  readonly policy: Policy;
  readonly options: PassOptions;
  error(code: string, message: string, pos?: SourcePos): void;
  warn(code: string, message: string, pos?: SourcePos): void;
}

/** One policy decision over the model: pure, no I/O, returns the changed system. */
export interface Pass {
  readonly name: string;
  run(system: System, ctx: PassContext): System;
}

/** Runs the passes in order; every diagnostic is tagged with the pass that reported it. */
export function runPasses(system: System, passes: readonly Pass[], policy: Policy, options: PassOptions, diagnostics: Diagnostic[]): System {
  return passes.reduce((current, pass) => {
    const report = (severity: Diagnostic['severity']) => (code: string, message: string, pos?: SourcePos) =>
      diagnostics.push({ severity, code, message, ...(pos ? { pos } : {}), source: pass.name });
    return pass.run(current, { policy, options, error: report('error'), warn: report('warning') });
  }, system);
}

/** A copy of `system` with each service replaced by `fn(service)`. */
export function mapServices(system: System, fn: (svc: System['services'][number]) => System['services'][number]): System {
  return { ...system, services: system.services.map(fn) };
}
