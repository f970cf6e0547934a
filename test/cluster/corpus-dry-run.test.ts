import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import type { Manifest } from '../../src/emit/chart.js';
import { parseAllDocuments } from 'yaml';
import { toJsonList, toYamlStream } from '../../src/emit/serialize.js';
import { EXPECTED_FAILURES } from '../corpus-expectations.js';
import { corpusDir, corpusFiles } from '../corpus-files.js';
import { locateBinaries } from './binaries.js';
import { useCluster } from '../executor/cluster-fixture.js';

/**
 * Every manifest stream compiled from the shared corpus is accepted by a real API server as
 * `kubectl apply --server-side --dry-run=server --validate=strict` sends it: schema, unknown
 * fields, defaulting and admission, with nothing stored (so files may reuse names).
 */
const corpus = corpusDir;
const available = existsSync(corpus);
// The files test/corpus.test.ts expects to compile.
const compiling = corpusFiles().map((f) => [relative(corpus, f), f] as const).filter(([name]) => !EXPECTED_FAILURES[name]);
// The JSON form (`--format json`, a v1 List) goes through the same check for a few files rich in kinds.
const JSON_CASES = ['awesome-compose/nextcloud-redis-mariadb/compose.yaml', 'kompose-fixtures/configmap-volume/compose.yaml', 'kompose-fixtures/secrets/docker-compose-secrets-long.yml'];

// The golden fixtures of Kompose's labels (CronJobs, autoscalers, Ingresses, grouped pods): their
// expected output, as pinned, goes through the same check.
const fixturesDir = new URL('../../fixtures/', import.meta.url).pathname;
const KOMPOSE_FIXTURES = readdirSync(fixturesDir).filter((n) => n.startsWith('kompose-') && existsSync(join(fixturesDir, n, 'expected.yaml'))).sort();

function manifestsOf(file: string): readonly Manifest[] {
  const { manifests, diagnostics } = compile({ files: [file], cwd: dirname(file), env: {} });
  if (!manifests) throw new Error(`does not compile: ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return manifests;
}

describe.skipIf(!available)(available ? 'corpus manifests pass a server-side dry run' : `corpus dry run (SKIPPED: ${corpus} not found)`, () => {
  // Validation and admission need only the API server.
  const c = useCluster({ controllers: false });
  let kubectl: Promise<string> | undefined;

  /** `kubectl apply` of a stream on stdin; resolves with stdout, rejects with kubectl's message. */
  async function dryRun(stream: string): Promise<string> {
    const bin = await (kubectl ??= locateBinaries().then((b) => b.kubectl));
    const args = ['--kubeconfig', c.cluster.kubeconfig, 'apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=tychoc', '-f', '-'];
    return new Promise((resolve, reject) => {
      const child = execFile(bin, args, (err, stdout, stderr) => (err ? reject(new Error(`kubectl: ${stderr || err.message}`)) : resolve(stdout)));
      child.stdin!.end(stream);
    });
  }

  /** One "kind/name serverside-applied (server dry run)" line per object, in order. */
  const appliedLines = (manifests: readonly Manifest[]) =>
    manifests.map((m) => {
      const group = m.apiVersion.includes('/') ? `.${m.apiVersion.split('/')[0]}` : '';
      return `${m.kind.toLowerCase()}${group}/${m.metadata.name} serverside-applied (server dry run)`;
    });

  it.each(compiling)('%s', async (_, file) => {
    const manifests = manifestsOf(file);
    expect((await dryRun(toYamlStream(manifests))).trim().split('\n')).toEqual(appliedLines(manifests));
  });

  it.each(KOMPOSE_FIXTURES)('fixtures/%s', async (name) => {
    const manifests = parseAllDocuments(readFileSync(join(fixturesDir, name, 'expected.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
    expect(manifests.length).toBeGreaterThan(0);
    expect((await dryRun(toYamlStream(manifests))).trim().split('\n')).toEqual(appliedLines(manifests));
  });

  it.each(JSON_CASES)('%s as JSON', async (name) => {
    const manifests = manifestsOf(join(corpus, name));
    expect((await dryRun(toJsonList(manifests))).trim().split('\n')).toEqual(appliedLines(manifests));
  });
});
