import type { Manifest } from '../emit/chart.js';
import type { KubeClient, KubeObject } from './kube-client.js';
import { objectRef, resourcePath, type ResourceType, type RestMapper } from './rest-mapping.js';

/** The field manager of everything tychoc applies. */
export const FIELD_MANAGER = 'tychoc';

/** One object to apply and where it goes. */
export interface Target {
  readonly manifest: Manifest;
  readonly type: ResourceType;
  /** `deployment.apps/web`, for messages. */
  readonly ref: string;
  readonly path: string;
}

/** What applying did to an object. */
export type Outcome = 'created' | 'configured' | 'unchanged';

/** An applied object as the server returned it. */
export interface Applied {
  readonly target: Target;
  readonly object: KubeObject;
  readonly outcome: Outcome;
}

/** How to apply. */
export interface ApplyMode {
  /** Validate and run admission on the server without persisting (`dryRun=All`). */
  readonly dryRun: boolean;
  /** Take over fields another field manager owns instead of failing with a conflict. */
  readonly force: boolean;
}

/** Maps each manifest to its resource and puts namespaced ones into `namespace`. */
export async function resolveTargets(mapper: RestMapper, manifests: readonly Manifest[], namespace: string): Promise<Target[]> {
  const targets: Target[] = [];
  for (const m of manifests) {
    const type = await mapper.forKind(m.apiVersion, m.kind);
    const metadata = { ...m.metadata };
    if (type.namespaced) metadata.namespace = namespace;
    else delete metadata.namespace;
    const manifest = { ...m, metadata } as Manifest;
    targets.push({ manifest, type, ref: objectRef(type, m.metadata.name), path: resourcePath(type, metadata.namespace, m.metadata.name) });
  }
  return targets;
}

/**
 * Server-side apply of one object, sent exactly as given (unknown fields reach the server and are
 * rejected there). `prior` is the object as it was before, to tell "unchanged" from "configured".
 */
export async function serverSideApply(client: KubeClient, target: Target, prior: KubeObject | undefined, mode: ApplyMode): Promise<Applied> {
  const { status, body } = await client.request<KubeObject>({
    method: 'PATCH',
    path: target.path,
    query: { fieldManager: FIELD_MANAGER, force: String(mode.force), fieldValidation: 'Strict', dryRun: mode.dryRun ? 'All' : undefined },
    // JSON is YAML, and keeps the body byte-for-byte what the manifest says.
    body: JSON.stringify(target.manifest),
    contentType: 'application/apply-patch+yaml',
  });
  if (status === 201 || !prior) return { target, object: body, outcome: 'created' };
  // A dry run persists nothing, so the resourceVersion cannot tell; the content can. A controller
  // that wrote the status between the read and the apply moves the resourceVersion, not the content.
  const same = (!mode.dryRun && body.metadata.resourceVersion === prior.metadata.resourceVersion) || content(body) === content(prior);
  return { target, object: body, outcome: same ? 'unchanged' : 'configured' };
}

function content(o: KubeObject): string {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = o.metadata as Record<string, unknown>;
  const { status: _s, ...rest } = o;
  return JSON.stringify({ ...rest, metadata });
}
