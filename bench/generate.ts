import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * A compose project of `n` services shaped like a typical microservice stack: image, command,
 * environment, a port, a healthcheck, resources, labels, a dependency on the previous service,
 * and a named volume on every fourth service. Deterministic, and valid for both tychoc and Kompose.
 */
export function generatedCompose(n: number): string {
  const name = (i: number) => `svc-${String(i).padStart(4, '0')}`;
  const services: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const volume = i % 4 === 0 ? `data-${i}` : undefined;
    if (volume) volumes[volume] = {};
    services[name(i)] = {
      image: `registry.example.com/shop/${name(i)}:1.${i % 10}.0`,
      command: ['serve', '--port', '8080', '--log-format', 'json'],
      environment: {
        LOG_LEVEL: 'info',
        SERVICE_NAME: name(i),
        UPSTREAM_URL: `http://${name((i + 1) % n)}:8080`,
        CACHE_TTL: '300',
      },
      ports: ['8080'],
      ...(volume ? { volumes: [`${volume}:/var/lib/app`] } : {}),
      ...(i > 0 ? { depends_on: [name(i - 1)] } : {}),
      healthcheck: {
        test: ['CMD', 'wget', '-q', '-O-', 'http://localhost:8080/healthz'],
        interval: '10s',
        timeout: '3s',
        retries: 3,
      },
      deploy: { resources: { limits: { cpus: '0.5', memory: '256M' }, reservations: { memory: '128M' } } },
      labels: { 'com.example.team': `team-${i % 7}`, 'com.example.tier': i % 3 === 0 ? 'frontend' : 'backend' },
      restart: 'unless-stopped',
    };
  }
  return stringify({ name: `bench-${n}`, services, ...(n > 0 && Object.keys(volumes).length ? { volumes } : {}) });
}

/** Writes the generated project of `n` services as `<dir>/services-<n>/compose.yaml`; returns its path. */
export function writeGenerated(dir: string, n: number): string {
  const projectDir = join(dir, `services-${n}`);
  mkdirSync(projectDir, { recursive: true });
  const file = join(projectDir, 'compose.yaml');
  writeFileSync(file, generatedCompose(n));
  return file;
}
