import { isAbsolute, posix, relative } from 'node:path';
import type { BindMount, FileMount, Mount } from '../../model/system.js';
import { Codes } from '../codes.js';
import { child, type PNode } from '../tree.js';
import { parseBytes } from '../units.js';
import { parseVolumeSpec } from '../volumes.js';
import { readBindSource } from './project-files.js';
import { bytes, flag, report, strings, text, warn, type NormalizeContext } from './reader.js';

/** Every mount of a service: `volumes` (short and long), `tmpfs`, `configs` and `secrets`. */
export function normalizeMounts(svc: PNode, ctx: NormalizeContext): Mount[] {
  const volumes = child(svc, 'volumes');
  const mounts: Mount[] = (volumes?.kind === 'seq' ? volumes.items : []).flatMap((item) => readVolume(item, ctx));
  for (const t of strings(child(svc, 'tmpfs'))) {
    const [target = '', ...opts] = t.split(':');
    const size = opts.join(':').split(',').find((o) => o.startsWith('size='));
    mounts.push({ type: 'tmpfs', target, sizeBytes: size ? parseBytes(size.slice(5)) : undefined, pos: child(svc, 'tmpfs')!.pos });
  }
  mounts.push(...fileMounts(child(svc, 'configs'), 'config', ctx), ...fileMounts(child(svc, 'secrets'), 'secret', ctx));
  return distinctTargets(mounts, ctx);
}

/**
 * One mount per container path, which must be absolute (as docker requires): the same mount
 * listed twice counts once; two different ones at one path are an error.
 */
function distinctTargets(mounts: readonly Mount[], ctx: NormalizeContext): Mount[] {
  const byTarget = new Map<string, Mount>();
  const withoutPos = ({ pos: _, ...m }: Mount) => JSON.stringify(m);
  return mounts.filter((m) => {
    if (!m.target.startsWith('/')) {
      report(ctx, Codes.invalidVolume, `mount target ${JSON.stringify(m.target)} must be an absolute path in the container`, m.pos);
      return false;
    }
    const path = posix.normalize(m.target).replace(/(.)\/$/, '$1');
    const first = byTarget.get(path);
    if (!first) {
      byTarget.set(path, m);
      return true;
    }
    if (withoutPos(first) === withoutPos(m)) warn(ctx, Codes.ineffectiveSetting, `\`${m.target}\` is mounted the same way twice; once is enough`, m.pos);
    else report(ctx, Codes.invalidVolume, `\`${m.target}\` is already a mount target (line ${first.pos.line}); a path holds one mount`, m.pos);
    return false;
  });
}

function readVolume(item: PNode, ctx: NormalizeContext): Mount[] {
  if (item.kind === 'scalar') {
    const spec = parseVolumeSpec(text(item) ?? '');
    if (!spec) {
      report(ctx, Codes.invalidVolume, `invalid volume ${JSON.stringify(item.value)}: expected [SOURCE:]TARGET[:MODE]`, item);
      return [];
    }
    return [spec.type === 'bind'
      ? bind(hostPath(spec.source!, ctx), spec.target, spec.readOnly, item.pos, ctx)
      : { type: 'volume', volume: spec.source, target: spec.target, readOnly: spec.readOnly, pos: item.pos }];
  }
  const type = text(child(item, 'type')) ?? 'volume';
  const source = text(child(item, 'source'));
  const target = text(child(item, 'target')) ?? '';
  const readOnly = flag(child(item, 'read_only'));
  switch (type) {
    case 'bind':
      return [bind(hostPath(source ?? '', ctx), target, readOnly, item.pos, ctx)];
    case 'tmpfs':
      return [{ type: 'tmpfs', target, sizeBytes: bytes(child(item, 'tmpfs'), 'size', ctx), pos: item.pos }];
    case 'volume': {
      const subPath = text(child(child(item, 'volume'), 'subpath'));
      return [{ type: 'volume', volume: source, target, readOnly, ...(subPath ? { subPath } : {}), pos: item.pos }];
    }
    default:
      report(ctx, Codes.invalidVolume, `volume type \`${type}\` has no Kubernetes equivalent`, child(item, 'type')!);
      return [];
  }
}

/** A bind mount, with what its source holds when that is inside the project. */
function bind(source: string, target: string, readOnly: boolean, pos: BindMount['pos'], ctx: NormalizeContext): BindMount {
  const content = readBindSource(source, ctx.projectDir);
  return { type: 'bind', source, target, readOnly, ...(content ? { content } : {}), pos };
}

/**
 * Host paths under the project's parent folders are kept relative (`./data`, `../shared`), so
 * output does not depend on the checkout's location; paths that share only `/` stay absolute.
 */
function hostPath(source: string, ctx: NormalizeContext): string {
  if (!isAbsolute(source)) return source;
  const rel = relative(ctx.projectDir, source);
  if (rel === '') return '.';
  const ups = rel.split('/').filter((s) => s === '..').length;
  if (ups >= ctx.projectDir.split('/').filter((s) => s !== '').length) return source;
  return rel.startsWith('..') ? rel : `./${rel}`;
}

function fileMounts(node: PNode | undefined, type: 'config' | 'secret', ctx: NormalizeContext): FileMount[] {
  if (node?.kind !== 'seq') return [];
  return node.items.flatMap((item): FileMount[] => {
    const source = item.kind === 'map' ? text(child(item, 'source')) : text(item);
    if (!source) return [];
    const target = (item.kind === 'map' ? text(child(item, 'target')) : undefined) ?? source;
    const absolute = target.startsWith('/') ? target : type === 'secret' ? `/run/secrets/${target}` : `/${target}`;
    const mode = fileMode(child(item, 'mode'), ctx);
    return [{ type, source, target: absolute, ...(mode !== undefined ? { mode } : {}), pos: item.pos }];
  });
}

/**
 * A file mode: `0440` (kept as text by the parser) is octal, as are `0o440` and numbers up to
 * 0777. A number such as `644` is almost surely octal written without its 0: read so, with a warning.
 */
function fileMode(node: PNode | undefined, ctx: NormalizeContext): number | undefined {
  const written = text(node);
  if (written === undefined) return undefined;
  if (/^0[0-7]+$/.test(written)) return parseInt(written, 8);
  const value = Number(written);
  if (Number.isInteger(value) && value >= 0 && value <= 0o777) return value;
  if (/^[0-7]{3,4}$/.test(written)) {
    warn(ctx, Codes.unrepresentable, `file mode ${written} is read as octal 0${written}; write it as 0${written} (decimal ${written} is not a valid mode)`, node!);
    return parseInt(written, 8);
  }
  report(ctx, Codes.invalidValue, `file mode ${JSON.stringify(written)} must be octal between 0 and 0777, e.g. 0440`, node!);
  return undefined;
}
