import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/executor/objects.js';
import { composeProject, useCluster } from './cluster-fixture.js';

const c = useCluster();

// The compose file sets a memory limit of its own: modifications must neither lose it nor each other.
const APP = `
name: app
services:
  web:
    image: nginx:1.27
    deploy:
      resources:
        limits:
          memory: 256M
`;

/** The changes, as tychoc arguments after the sid; each order of them must end the same. */
const CHANGES: Record<string, (sid: string) => string[]> = {
  cpu: (sid) => ['modify', sid, '--cpu', '500m'],
  memory: (sid) => ['modify', sid, '--memory', '1Gi'],
  label: (sid) => ['modify', sid, '--label', 'tier=data'],
  scale: (sid) => ['scale', sid, 'web', '3'],
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('modify and scale compose', () => {
  const web = async (sid: string) => {
    const [d] = (await c.api.get(`/apis/apps/v1/namespaces/app-${sid}/deployments?labelSelector=tycho-guid%3D${sid}`)).items;
    return { resources: d.spec.template.spec.containers[0].resources, labels: d.metadata.labels, podLabels: d.spec.template.metadata.labels, replicas: d.spec.replicas };
  };
  const dir = composeProject(APP);

  it('in every order of --cpu, --memory, --label and scale, each change keeps the earlier ones', async () => {
    const orders = permutations(Object.keys(CHANGES));
    expect(orders).toHaveLength(24);
    const failures = await mapLimit(orders, 4, async (order) => {
      const { sid } = await c.json(['up', '--namespace-per-system'], dir);
      const done = new Set<string>();
      const wrong: string[] = [];
      for (const change of order) {
        const run = await c.tychoc(CHANGES[change]!(sid));
        if (run.code !== 0) wrong.push(`${change}: exit ${run.code} ${run.stderr}`);
        done.add(change);
        const now = await web(sid);
        const expected = {
          cpu: done.has('cpu') ? '500m' : undefined,
          memory: done.has('memory') ? '1Gi' : '256Mi',
          tier: done.has('label') ? 'data' : undefined,
          replicas: done.has('scale') ? 3 : 1,
        };
        const actual = { cpu: now.resources?.limits?.cpu, memory: now.resources?.limits?.memory, tier: now.labels.tier, replicas: now.replicas };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`after ${[...done].join(', ')}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
      await c.tychoc(['down', sid, '--volumes']);
      return wrong.length > 0 ? `${order.join(' → ')}: ${wrong.join('; ')}` : undefined;
    });
    expect(failures.filter(Boolean)).toEqual([]);
  }, 240_000);

  it('a later modify keeps the compose file\'s own limits and what earlier modifies set', async () => {
    const { sid } = await c.json(['up', '--namespace-per-system'], dir);
    await c.tychoc(['modify', sid, '--cpu', '200m']);
    await c.tychoc(['modify', sid, '--label', 'x=y']);
    const now = await web(sid);
    expect(now.resources).toEqual({ requests: { cpu: '200m' }, limits: { cpu: '200m', memory: '256Mi' } });
    expect(now.labels.x).toBe('y');
    expect(now.podLabels.x).toBe('y');
    await c.tychoc(['down', sid]);
  });

  it('up --sid --force-conflicts takes back what the compose file sets; modify then leaves it so', async () => {
    const { sid } = await c.json(['up', '--namespace-per-system'], dir);
    await c.tychoc(['modify', sid, '--memory', '1Gi', '--label', 'tier=data']);
    const conflict = await c.tychoc(['up', '--sid', sid, '-q'], dir);
    expect(conflict.code).toBe(5);
    expect(conflict.stderr).toContain('conflict with "tychoc-modify"');
    expect((await c.tychoc(['up', '--sid', sid, '--force-conflicts', '-q'], dir)).code).toBe(0);
    expect((await web(sid)).resources.limits.memory).toBe('256Mi');
    await c.tychoc(['modify', sid, '--cpu', '300m']);
    const now = await web(sid);
    // The compose file's memory limit stays, and modify let go of the memory request it had set
    // with it; its own label (which the compose file does not set) stays.
    expect(now.resources).toEqual({ requests: { cpu: '300m' }, limits: { cpu: '300m', memory: '256Mi' } });
    expect(now.labels.tier).toBe('data');
    await c.tychoc(['down', sid]);
  });

  it('names a system by its project where that is unambiguous; restart rolls its pods', async () => {
    const solo = composeProject('name: solo\nservices:\n  web:\n    image: nginx:1.27\n  once:\n    image: busybox:1.36\n    restart: "no"\n');
    const { sid } = await c.json(['up', '--namespace-per-system'], solo);
    expect((await c.json(['status', 'solo']))[0].sid).toBe(sid);
    expect(await c.tychoc(['restart', 'solo'])).toMatchObject({ code: 0, stdout: 'deployment.apps/web restarted\n' });
    const web = await c.api.get(`/apis/apps/v1/namespaces/solo-${sid}/deployments/web`);
    expect(Date.parse(web.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'])).toBeGreaterThan(Date.now() - 60_000);
    expect(await c.tychoc(['restart', 'solo', 'once'])).toMatchObject({ code: 6, stderr: 'tychoc: job.batch/once is a Job, whose pods run once; it cannot be restarted\n' });

    const second = await c.json(['up', '--namespace-per-system'], solo);
    const ambiguous = await c.tychoc(['scale', 'solo', 'web', '2']);
    expect(ambiguous.code).toBe(5);
    expect(ambiguous.stderr).toMatch(/^tychoc: project solo has 2 systems \([0-9a-f]{12} in solo-[0-9a-f]{12}, [0-9a-f]{12} in solo-[0-9a-f]{12}\); name one by its id\n$/);
    expect((await c.tychoc(['scale', 'solo', 'web', '2', '-n', `solo-${sid}`])).code).toBe(0);
    expect((await c.tychoc(['down', sid, second.sid])).code).toBe(0);
    expect(await c.tychoc(['status', 'solo'])).toMatchObject({ code: 7, stderr: 'tychoc: no system with id solo, nor a project of that name\n' });
  });
});
