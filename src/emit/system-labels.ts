import { createHash } from 'node:crypto';
import { isLabelValue } from './api-rules.js';
import type { Manifest } from './chart.js';

/** Who a system belongs to; `sid` tells two systems of the same compose project apart. */
export interface SystemIdentity {
  /** The compose project name. */
  readonly app: string;
  /** The system id: lowercase letters and digits. */
  readonly sid: string;
  readonly username?: string;
  /** The user's name as given, when the `username` label had to change it (see userLabel). */
  readonly user?: string;
}

/** The label carrying the system id; `down`, `status` and prune select on it. */
export const SID_LABEL = 'tycho-guid';

/** The `app-name` label's value: the project name, cut to a label value's 63 characters. */
export function appLabel(app: string): string {
  return app.slice(0, 63).replace(/[-_]+$/, '');
}

/**
 * The `username` label's value: the username itself when it is a valid label value, else its
 * letters and digits with a digest of the whole (`alice@example.org` → `alice-example.org-1a2b3c4d5e`),
 * so that two users never share a label value, which per-user access is decided by.
 */
export function userLabel(username: string): string {
  if (isLabelValue(username) && username !== '') return username;
  const digest = createHash('sha256').update(username).digest('hex').slice(0, 10);
  const readable = username.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 52).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return readable ? `${readable}-${digest}` : digest;
}

/** The labels every object of a system carries. */
export function systemLabels(id: SystemIdentity): Record<string, string> {
  return {
    executor: 'tycho',
    'app-name': appLabel(id.app),
    name: `${id.app}-${id.sid}`.slice(0, 63).replace(/[-_.]+$/, ''),
    [SID_LABEL]: id.sid,
    ...(id.username ? { username: id.username } : {}),
  };
}

type Json = Record<string, unknown>;

/**
 * Stamps a system's labels on every object and pod template, and adds the system id to pod
 * selectors, so that two systems of one project never select each other's pods.
 */
export function labelSystem(manifests: readonly Manifest[], id: SystemIdentity): Manifest[] {
  const labels = systemLabels(id);
  const selector = { [SID_LABEL]: id.sid };
  return manifests.map((m) => {
    const out = structuredClone(m) as Manifest & Json;
    out.metadata = { ...out.metadata, labels: { ...(out.metadata as Json)['labels'] as Json, ...labels } } as Manifest['metadata'];
    const spec = out['spec'] as Json | undefined;
    if (!spec) return out;
    if (out.kind === 'Service' && spec['selector']) spec['selector'] = { ...(spec['selector'] as Json), ...selector };
    const template = spec['template'] as { metadata?: Json } | undefined;
    if (template) template.metadata = { ...template.metadata, labels: { ...(template.metadata?.['labels'] as Json), ...labels } };
    const podSelector = spec['selector'] as { matchLabels?: Json } | undefined;
    if (podSelector?.matchLabels) podSelector.matchLabels = { ...podSelector.matchLabels, ...selector };
    return out;
  });
}
