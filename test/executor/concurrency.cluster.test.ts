import { describe, expect, it } from 'vitest';
import { composeProject, createNamespace, list, useCluster } from './cluster-fixture.js';

const c = useCluster();

// Service names are DNS names in one namespace: projects that share one need names of their own.
const project = (name: string, prefix = '') =>
  composeProject(`name: ${name}\nservices:\n  ${prefix}web:\n    image: nginx:1.27\n    ports: ["80"]\n  ${prefix}db:\n    image: postgres:16\n    volumes: [data:/var/lib/postgresql/data]\nvolumes:\n  data:\n`);

/** What the cluster holds of tychoc in a namespace: objects with a system id, and the lock. */
async function leftIn(ns: string): Promise<string[]> {
  const found: string[] = [];
  for (const p of ['/api/v1/namespaces/NS/services', '/api/v1/namespaces/NS/configmaps', '/api/v1/namespaces/NS/secrets', '/apis/apps/v1/namespaces/NS/deployments', '/api/v1/namespaces/NS/persistentvolumeclaims']) {
    found.push(...(await list(c.api, `${p.replace('NS', ns)}?labelSelector=executor%3Dtycho`)).map((o) => `${p.split('/').pop()}/${o.metadata.name}`));
  }
  found.push(...(await list(c.api, `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`)).map((o) => `lease/${o.metadata.name}`));
  return found;
}

describe('concurrent systems', () => {
  it('8 ups of different projects in one namespace take turns and all succeed; 8 downs leave nothing', async () => {
    await createNamespace(c.api, 'crowd');
    const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const ups = await Promise.all(names.map((n) => c.tychoc(['up', '-n', 'crowd', '-q', '-o', 'json'], project(n, `${n}-`))));
    expect(ups.map((u) => u.code)).toEqual(names.map(() => 0));
    const sids = ups.map((u) => JSON.parse(u.stdout).sid as string);
    expect(new Set(sids).size).toBe(8);
    expect((await list(c.api, '/apis/apps/v1/namespaces/crowd/deployments')).length).toBe(16);
    const downs = await Promise.all(sids.map((sid) => c.tychoc(['down', sid, '--volumes'])));
    expect(downs.map((d) => d.code)).toEqual(names.map(() => 0));
    expect(await leftIn('crowd')).toEqual([]);
  }, 180_000);

  it('8 ups of one project in one namespace: one system, the others refused with nothing left of theirs', async () => {
    await createNamespace(c.api, 'same');
    const dir = project('twin');
    const ups = await Promise.all(Array.from({ length: 8 }, () => c.tychoc(['up', '-n', 'same', '-q', '-o', 'json'], dir)));
    const won = ups.filter((u) => u.code === 0);
    expect(won).toHaveLength(1);
    const sid = JSON.parse(won[0]!.stdout).sid;
    for (const lost of ups.filter((u) => u.code !== 0)) {
      expect(lost.code).toBe(5);
      expect(lost.stderr).toContain(`namespace same already has objects of these names, system ${sid} (project twin)`);
    }
    const parents = await list(c.api, '/api/v1/namespaces/same/configmaps?labelSelector=applyset.kubernetes.io%2Fid');
    expect(parents.map((p) => p.metadata.labels['tycho-guid'])).toEqual([sid]);
    expect((await c.tychoc(['down', sid, '--volumes'])).code).toBe(0);
    expect(await leftIn('same')).toEqual([]);
  }, 180_000);

  it('8 ups with --namespace-per-system and 8 downs --volumes at once: 8 systems, then no namespace left', async () => {
    const dir = project('fleet');
    const ups = await Promise.all(Array.from({ length: 8 }, () => c.tychoc(['up', '--namespace-per-system', '-q', '-o', 'json'], dir)));
    expect(ups.map((u) => u.code)).toEqual(ups.map(() => 0));
    const systems = ups.map((u) => JSON.parse(u.stdout));
    const downs = await Promise.all(systems.map((s) => c.tychoc(['down', s.sid, '--volumes'])));
    expect(downs.map((d) => d.code)).toEqual(downs.map(() => 0));
    const namespaces = (await list(c.api, '/api/v1/namespaces')).map((n) => n.metadata.name);
    for (const s of systems) expect(namespaces).not.toContain(s.namespace);
  }, 180_000);
});

/** A small PRNG with a seed, so that a failing soak can be run again as it was. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Expected {
  sid?: string;
  cpu?: string;
  tier?: string;
  replicas: number;
}

describe('a randomized soak', () => {
  it('up, modify, scale and down on three systems at once end with the cluster as the operations say', async () => {
    const seed = Number(process.env['TYCHOC_SOAK_SEED'] ?? Date.now() % 100_000);
    const next = random(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    await createNamespace(c.api, 'soak');
    const deadline = Date.now() + 45_000;
    const log: string[] = [];
    const run = async (name: string): Promise<Expected> => {
      const dir = project(name, `${name}-`);
      const state: Expected = { replicas: 1 };
      for (let step = 0; step < 25 && Date.now() < deadline; step++) {
        const op = state.sid ? pick(['up', 'cpu', 'tier', 'scale', 'down']) : 'up';
        let args: string[];
        if (op === 'up') args = state.sid ? ['up', '--sid', state.sid, '--force-conflicts', '-q', '-o', 'json'] : ['up', '-n', 'soak', '-q', '-o', 'json'];
        else if (op === 'cpu') args = ['modify', state.sid!, '--service', `${name}-web`, '--cpu', pick(['100m', '250m', '500m'])];
        else if (op === 'tier') args = ['modify', state.sid!, '--service', `${name}-web`, '--label', `tier=${pick(['a', 'b', 'c'])}`];
        else if (op === 'scale') args = ['scale', state.sid!, `${name}-web`, String(pick([0, 1, 2, 3]))];
        else args = ['down', state.sid!, '--volumes'];
        const result = await c.tychoc(args, dir);
        log.push(`${name}: tychoc ${args.join(' ')} → ${result.code}`);
        if (result.code !== 0) throw new Error(`seed ${seed}: ${name}: tychoc ${args.join(' ')} exited ${result.code}: ${result.stderr}\n${log.join('\n')}`);
        if (op === 'up') {
          state.sid = JSON.parse(result.stdout).sid;
          state.replicas = 1; // the compose file's, forced back
        } else if (op === 'cpu') state.cpu = args[5];
        else if (op === 'tier') state.tier = args[5]!.slice(5);
        else if (op === 'scale') state.replicas = Number(args[3]);
        else Object.assign(state, { sid: undefined, cpu: undefined, tier: undefined, replicas: 1 });
      }
      return state;
    };
    const names = ['alpha', 'beta', 'gamma'];
    const states = await Promise.all(names.map(run));
    for (const [i, state] of states.entries()) {
      const where = `seed ${seed}, ${names[i]}`;
      const webs = await list(c.api, `/apis/apps/v1/namespaces/soak/deployments?labelSelector=app-name%3D${names[i]},app.kubernetes.io%2Fname%3D${names[i]}-web`);
      if (!state.sid) {
        expect(webs, where).toEqual([]);
        continue;
      }
      expect(webs.map((w) => w.metadata.labels['tycho-guid']), where).toEqual([state.sid]);
      const web = webs[0];
      expect({ replicas: web.spec.replicas, cpu: web.spec.template.spec.containers[0].resources?.limits?.cpu, tier: web.metadata.labels.tier }, where)
        .toEqual({ replicas: state.replicas, cpu: state.cpu, tier: state.tier });
    }
    expect(await list(c.api, '/apis/coordination.k8s.io/v1/namespaces/soak/leases')).toEqual([]);
    for (const s of states) if (s.sid) expect((await c.tychoc(['down', s.sid, '--volumes'])).code).toBe(0);
    expect(await leftIn('soak')).toEqual([]);
  }, 180_000);
});
