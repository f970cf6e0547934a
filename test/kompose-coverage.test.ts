import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../bench/coverage/classify.js';
import { tychoc } from '../bench/coverage/convert.js';
import { composeKeys } from '../bench/coverage/keys.js';
import { KOMPOSE_RULES } from '../src/frontend/normalize/kompose-labels.js';
import { corpusDir, corpusFiles } from './corpus-files.js';

/**
 * No `kompose.*` label of Kompose's fixtures is "dropped" by tychoc, as docs/kompose-coverage.md
 * (bench/coverage/) tells it: compiling the file without the label leaves the manifests as they
 * were, and only a warning about the label goes. A label that can do nothing where it is (a
 * Service type on a service without ports, TYC0705) or that the policy refuses (TYC0701) is
 * reported as such: that warning is the honest outcome, not a drop.
 */
const POLICY_CODES = ['TYC0701', 'TYC0705'];

/**
 * The options of Kompose 1.37's user guide (docs/user-guide.md). Other `kompose.*` labels (a
 * fixture misspells one) are no options: Kompose copies them onto its objects as it copies any label.
 */
const KOMPOSE_OPTIONS = new Set([
  'kompose.controller.port.expose', 'kompose.controller.type', 'kompose.cronjob.backoff_limit', 'kompose.cronjob.concurrency_policy',
  'kompose.cronjob.schedule', 'kompose.hpa.cpu', 'kompose.hpa.memory', 'kompose.hpa.replicas.max', 'kompose.hpa.replicas.min',
  'kompose.image-pull-policy', 'kompose.image-pull-secret', 'kompose.init.containers.command', 'kompose.init.containers.image',
  'kompose.init.containers.name', 'kompose.security-context.fsgroup', 'kompose.service.external-traffic-policy', 'kompose.service.expose',
  'kompose.service.expose.ingress-class-name', 'kompose.service.expose.tls-secret', 'kompose.service.group',
  'kompose.service.healthcheck.liveness.http_get_path', 'kompose.service.healthcheck.liveness.http_get_port',
  'kompose.service.healthcheck.liveness.tcp_port', 'kompose.service.healthcheck.readiness.disable',
  'kompose.service.healthcheck.readiness.http_get_path', 'kompose.service.healthcheck.readiness.http_get_port',
  'kompose.service.healthcheck.readiness.interval', 'kompose.service.healthcheck.readiness.retries',
  'kompose.service.healthcheck.readiness.start_period', 'kompose.service.healthcheck.readiness.tcp_port',
  'kompose.service.healthcheck.readiness.test', 'kompose.service.healthcheck.readiness.timeout', 'kompose.service.nodeport.port',
  'kompose.service.type', 'kompose.volume.size', 'kompose.volume.storage-class-name', 'kompose.volume.subpath', 'kompose.volume.type',
]);

/** Labels Kompose's loader and transformer read that its user guide does not list. */
const BEYOND_THE_GUIDE = new Set(['kompose.serviceaccount-name', 'kompose.ephemeral-storage.request', 'kompose.ephemeral-storage.limit']);

const fixturesDir = join(corpusDir, 'kompose-fixtures');
const labelled = corpusFiles(fixturesDir).filter((f) => /^\s*-?\s*["']?kompose\./m.test(readFileSync(f, 'utf8')));

describe.skipIf(labelled.length === 0)(labelled.length ? 'Kompose labels' : `Kompose labels (SKIPPED: no fixtures in ${fixturesDir})`, () => {
  it('the options include every one tychoc reads', () => {
    expect(KOMPOSE_RULES.flatMap((r) => r.labels).filter((l) => !KOMPOSE_OPTIONS.has(l) && !BEYOND_THE_GUIDE.has(l))).toEqual([]);
  });

  it.each(labelled.map((f) => [relative(fixturesDir, f), f] as const))('none is dropped in %s', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const base = tychoc(text, dirname(file));
    if (!base.kinds) return;
    const keys = composeKeys(text);
    const dropped = keys.ids
      .filter((id) => KOMPOSE_OPTIONS.has(id.slice('label '.length)))
      .flatMap((id) => {
        const effect = classify(base, tychoc(keys.without(id), dirname(file)));
        const byPolicy = effect.warnings.every((w) => POLICY_CODES.some((c) => w.startsWith(`${c} `)));
        return effect.status === 'dropped' && !byPolicy ? [`${id}: ${effect.warnings.join('; ')}`] : [];
      });
    expect(dropped).toEqual([]);
  });
});
