import { ApiObject, type Chart, type Construct } from '../../constructs/cdk8s.js';
import type { SourcePos } from '../diagnostics.js';
import { unescapeKeys } from '../object-keys.js';
import type { TracedManifest } from './guard.js';
import type { Manifest } from './chart.js';

const POS = 'tychoc:pos';

/** Marks a construct with the compose line that asked for it; its objects are reported there. */
export function traced<T extends Construct>(construct: T, pos: SourcePos): T {
  construct.node.addMetadata(POS, pos);
  return construct;
}

/** Every object of the chart as plain JSON, with the position of its nearest traced scope. */
export function synthesize(chart: Chart, fallback: SourcePos): TracedManifest[] {
  return chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).map((obj) => {
    const scope = [...obj.node.scopes].reverse().find((s) => s.node.metadata.some((m) => m.type === POS));
    const pos = (scope?.node.metadata.find((m) => m.type === POS)?.data as SourcePos | undefined) ?? fallback;
    // Keys such as `constructor` travel escaped through cdk8s, whose serializer reads them as methods.
    return { manifest: unescapeKeys((obj as ApiObject).toJson()) as Manifest, pos };
  });
}
