import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toYamlStream } from '../../src/emit/serialize.js';
import { loadRegistry, resolveApps } from '../../src/registry/index.js';
import { compileLaunch } from '../../src/registry/launch.js';
import { chosenResources } from '../../src/registry/resources.js';

/**
 * The objects each app of the sample registry (fixtures/registry, context `research`) compiles to
 * when launched for one user with a uid, pinned in fixtures/registry/expected/<app>.yaml.
 * TYCHOC_UPDATE_GOLDEN=1 rewrites them for review in git diff.
 */
const dir = new URL('../../fixtures/registry/', import.meta.url).pathname;
const update = process.env['TYCHOC_UPDATE_GOLDEN'] === '1';
const { registry } = await loadRegistry(join(dir, 'apps.yaml'), { cwd: dir, env: {} });
const { apps } = resolveApps(registry!, 'research');

describe('launched apps of the sample registry', () => {
  it('are all there', () => expect([...apps.keys()].sort()).toEqual(['hello', 'notebook', 'shop', 'trainer']));

  for (const app of apps.values()) {
    it(app.id, () => {
      const request = { user: 'alice@example.org', uid: 1001, gid: 100 };
      const result = compileLaunch(app, request, { ...registry!.settings, namespace: 'apps' }, '0123456789ab', chosenResources(app.resources.defaults, request));
      const text = toYamlStream(result.manifests!);
      const file = join(dir, 'expected', `${app.id}.yaml`);
      if (update || !existsSync(file)) {
        mkdirSync(join(dir, 'expected'), { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
