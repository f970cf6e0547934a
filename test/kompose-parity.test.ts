import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { kompose, tychoc, type Conversion } from '../bench/coverage/convert.js';
import { packagePath } from '../src/package-path.js';
import { corpusDir, corpusFiles } from './corpus-files.js';
import { factsOf, type Facts } from './kompose-facts.js';

/**
 * Side by side with Kompose 1.37 (scripts/kompose.sh), on every Kompose fixture that uses a
 * `kompose.*` label: both tools convert it as a user would (`kompose convert -f - --stdout` in
 * the fixture's directory, clean environment), and every semantic field Kompose writes (see
 * kompose-facts.ts) must be tychoc's too, unless a difference below says why it is not.
 */

/** A deliberate difference: where it applies (a fact Kompose has that tychoc lacks or writes otherwise), and why. */
interface Difference {
  readonly what: string;
  readonly why: string;
  applies(key: string, komposeValue: string, tychocValue: string | undefined, c: Context): boolean;
}

interface Context {
  readonly tychoc: Facts;
  /** Services of the compose file that carry `kompose.service.group`. */
  readonly grouped: ReadonlySet<string>;
}

const claim = /^claim (\S+)(.*)$/;

/** Also listed in the README's Kompose section; keep the two together. */
export const DIFFERENCES: readonly Difference[] = [
  {
    what: 'Default claim size',
    why: "Kompose asks for 100Mi; tychoc for the policy's `volumes.size` (1Gi by default). `kompose.volume.size` is honoured by both.",
    applies: (_, k, t) => claim.exec(k)?.[1] === '100Mi' && claim.exec(t ?? '')?.[2] === claim.exec(k)?.[2],
  },
  {
    what: 'Bind mounts and anonymous volumes',
    why: "Kompose makes a claim of each host path and anonymous volume; tychoc ships project files in ConfigMaps, puts host paths where the policy says (sub-paths of one claim by default) and gives an anonymous volume the pod's scratch space, as docker does.",
    applies: (key, k, t) => key.includes(' mount ') && k.startsWith('claim') && t !== undefined && (/^(emptyDir|configMap)/.test(t) || (t.includes('subPath') && !k.includes('subPath'))),
  },
  {
    what: 'Service ports',
    why: "Kompose's Service listens on the published (host) port; tychoc's on the container's, as every instance gets its own address (the published port is a node port only where the policy exposes one).",
    applies: (key, k, t) => key.endsWith(' ports') && key.startsWith('Service ') && t !== undefined && JSON.stringify(samePorts(k)) === JSON.stringify(samePorts(t)),
  },
  {
    what: 'Headless Services',
    why: 'Kompose gives a headless Service without ports a made-up port 55555; tychoc a headless Service without ports, which resolves the name just as well.',
    applies: (key, k, t) => key.endsWith(' ports') && k === '["55555->0/TCP"]' && t === undefined,
  },
  {
    what: 'LoadBalancer Services',
    why: "The default policy exposes nothing beyond the cluster through a load balancer (TYC0705 says so); Kompose's `<name>-tcp`/`<name>-udp` LoadBalancer Services are tychoc's one Service of the compose name, inside the cluster.",
    applies: (key, _, t, c) => /^Service \S+-(tcp|udp) /.test(key) && t === undefined && c.tychoc.has(key.replace(/-(tcp|udp) /, ' ').replace(/ (type|ports|externalTrafficPolicy)$/, ' type')),
  },
  {
    what: 'Names',
    why: "Kubernetes names are DNS labels: Kompose keeps `front_end` for a Service, tychoc writes `front-end` (and warns). An image derived from `build:` is `<project>-<service>` as docker compose names it; Kompose uses the service's name.",
    applies: (key, k, t, c) => (key.includes('_') && c.tychoc.get(key.replace(/_/g, '-')) === k) || (key.endsWith(' image') && t !== undefined && t.endsWith(`-${k}`)),
  },
  {
    what: 'Services that run once',
    why: 'Kompose makes a bare Pod of a service with `restart: "no"` or `on-failure`; tychoc a Job, which retries as the restart policy says and records that it completed.',
    applies: (key, k, t) => key.endsWith(' kind') && k === 'Pod' && t === 'Job',
  },
  {
    what: 'Shell healthchecks',
    why: "`CMD-SHELL` (or a string) runs through a shell under docker: tychoc's probe runs `/bin/sh -c <command>`; Kompose's runs the whole command line as one program's name.",
    applies: (key, k, t) => /(liveness|readiness)$/.test(key) && t !== undefined && k.startsWith('exec ') && t.replace('exec ["/bin/sh","-c",', 'exec [') === k,
  },
  {
    what: 'Autoscaled replicas',
    why: 'Where an autoscaler owns the replica count, tychoc leaves `replicas` out of the Deployment, so that applying it again does not reset what the autoscaler chose; Kompose writes 1.',
    applies: (key, _, t, c) => key.endsWith(' replicas') && t === undefined && c.tychoc.has(`HPA ${key.slice(0, -' replicas'.length)} target`),
  },
  {
    what: 'Service groups',
    why: '`kompose convert` groups services only with `--service-group-mode=label`; tychoc always runs the services of a `kompose.service.group` as containers of one pod, named for the group.',
    applies: (key, _, t, c) => t === undefined && c.grouped.has(key.split(' ')[key.startsWith('Service ') ? 1 : 0]!),
  },
];

/** Compose files tychoc refuses where Kompose converts them, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  'security-contexts/compose.yaml': 'privileged mode, which the default policy forbids (TYC0701)',
};

/** `A->B/P` ports as `B->B/P`: the container ports behind a Service. */
const samePorts = (value: string) => (JSON.parse(value) as string[]).map((p) => p.replace(/^\d+->(\d+)/, '$1->$1').replace(/ node \d+$/, '')).sort();

function komposeBinary(): string | undefined {
  const run = spawnSync(packagePath('scripts', 'kompose.sh'), ['--path'], { encoding: 'utf8' });
  const path = run.stdout.trim();
  return run.status === 0 && existsSync(path) ? path : undefined;
}

const fixturesDir = join(corpusDir, 'kompose-fixtures');
const labelled = corpusFiles(fixturesDir).filter((f) => /^\s*-?\s*["']?kompose\./m.test(readFileSync(f, 'utf8')));
const bin = komposeBinary();
// CI must run the comparison; elsewhere Kompose may not have been built yet.
const skip = !bin && process.env['CI'] !== 'true' ? 'Kompose is not built (scripts/kompose.sh)' : labelled.length === 0 ? `no fixtures in ${fixturesDir}` : undefined;

const objects = (c: Conversion) => parseAllDocuments(c.output).map((d) => d.toJS() as Parameters<typeof factsOf>[0][number]).filter(Boolean);

function groupedServices(text: string): Set<string> {
  const services = (parse(text) as { services?: Record<string, { labels?: unknown }> } | null)?.services ?? {};
  const hasGroup = (labels: unknown) =>
    Array.isArray(labels) ? labels.some((l) => String(l).startsWith('kompose.service.group=')) : labels !== null && typeof labels === 'object' && 'kompose.service.group' in labels;
  return new Set(Object.entries(services).filter(([, s]) => hasGroup(s?.labels)).map(([name]) => name));
}

const used = new Set<string>();

describe.skipIf(skip !== undefined)(skip ? `tychoc and Kompose agree (SKIPPED: ${skip})` : 'tychoc and Kompose agree', () => {
  it('Kompose is built', () => expect(bin, 'scripts/kompose.sh builds it').toBeDefined());

  it.each(labelled.map((f) => [relative(fixturesDir, f), f] as const))('on %s', (name, file) => {
    const text = readFileSync(file, 'utf8');
    const theirs = kompose(bin!)(text, dirname(file));
    // A file Kompose cannot convert (legacy syntax, undefined references) has nothing to agree with.
    if (!theirs.kinds) return;
    const ours = tychoc(text, dirname(file));
    if (REFUSED[name]) {
      expect(ours.kinds, `tychoc converts ${name}: drop it from REFUSED`).toBeUndefined();
      return;
    }
    expect(ours.error).toBeUndefined();
    const k = factsOf(objects(theirs));
    const t = factsOf(objects(ours));
    const context: Context = { tychoc: t, grouped: groupedServices(text) };
    const explained = (key: string, value: string) => {
      const d = DIFFERENCES.find((d) => d.applies(key, value, t.get(key), context));
      if (d) used.add(d.what);
      return d !== undefined;
    };
    const unexplained = [...k]
      .filter(([key, value]) => t.get(key) !== value && !explained(key, value))
      .map(([key, value]) => `${key}: Kompose ${value}, tychoc ${t.get(key) ?? '(none)'}`);
    expect(unexplained).toEqual([]);
  });

  // Runs last: a difference that explains nothing any more is dropped from the table (and the README).
  it('every difference still explains a fact', () => {
    expect(DIFFERENCES.map((d) => d.what).filter((w) => !used.has(w))).toEqual([]);
  });
});
