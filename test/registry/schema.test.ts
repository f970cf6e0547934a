import { describe, expect, it } from 'vitest';
import { loadFiles } from './registry-files.js';

describe('apps.yaml against its schema', () => {
  it('reports every problem at the key it is about, with a suggestion for a misspelt key', async () => {
    const { messages, registry } = await loadFiles({
      'apps.yaml': [
        'repositorys:',
        '  local: {url: ./apps}',
        'settings:',
        '  namspace: apps',
        '  home: {mountPath: home}',
        'defaults:',
        '  name: Everything',
        '  instances: 0',
        'contexts:',
        '  common:',
        '    extends: common',
        '    mixin: [a, a]',
        '    apps:',
        '      Note_Book: {compose: {path: x.yaml}}',
        '      notebook:',
        '        compose: {repository: local}',
        '        resources: {max: {cpu: lots, memory: 8GB, gpu: 1}}',
        '        maxAge: 8 hours',
        '        expose: {web: "80"}',
        '        proxy: {service: web}',
        '      other:',
        '        compose: {path: a.yaml, inline: {services: {}}}',
        '        securityContext: {runAsUser: -1}',
        '        probes: yes',
        '',
      ].join('\n'),
    });
    expect(registry).toBeUndefined();
    expect(messages).toEqual([
      'apps.yaml:1:1 error TYC0801 unknown key `repositorys` at the top level, did you mean `repositories`?',
      'apps.yaml:4:3 error TYC0801 unknown key `namspace` in `settings`, did you mean `namespace`?',
      'apps.yaml:5:3 error TYC0801 missing required key `claim` in `settings.home`',
      'apps.yaml:5:10 error TYC0801 `settings.home.mountPath` must be an absolute path, not "home"',
      'apps.yaml:7:3 error TYC0801 unknown key `name` in `defaults`',
      'apps.yaml:8:3 error TYC0801 `defaults.instances` must be >= 1, not 0',
      'apps.yaml:11:5 error TYC0801 `contexts.common.extends` must be a sequence, not string "common"',
      'apps.yaml:12:16 error TYC0801 `contexts.common.mixin` lists "a" twice',
      "apps.yaml:14:7 error TYC0801 key `Note_Book` in `contexts.common.apps` must be a DNS label (lowercase letters, digits and '-', at most 63 characters), as apps are named in the cluster",
      'apps.yaml:16:9 error TYC0801 `contexts.common.apps.notebook.compose` needs exactly one of `path` or `inline`',
      'apps.yaml:17:27 error TYC0801 `contexts.common.apps.notebook.resources.max.cpu` must be a CPU quantity such as 2, 0.5 or 500m, not "lots"',
      'apps.yaml:17:38 error TYC0801 `contexts.common.apps.notebook.resources.max.memory` must be a memory quantity such as 512Mi or 8Gi, not "8GB"',
      'apps.yaml:17:51 error TYC0801 unknown key `gpu` in `contexts.common.apps.notebook.resources.max`, did you mean `gpus`?',
      'apps.yaml:18:9 error TYC0801 `contexts.common.apps.notebook.maxAge` must be a duration such as 90s, 30m, 8h, 2d or 1h30m, not "8 hours"',
      'apps.yaml:19:18 error TYC0801 `contexts.common.apps.notebook.expose.web` must be an integer, not string "80"',
      'apps.yaml:20:9 error TYC0801 missing required key `port` in `contexts.common.apps.notebook.proxy`',
      'apps.yaml:22:9 error TYC0801 `contexts.common.apps.other.compose` needs exactly one of `path` or `inline`',
      'apps.yaml:23:27 error TYC0801 `contexts.common.apps.other.securityContext.runAsUser` must be >= 0, not -1',
      'apps.yaml:24:9 error TYC0801 `contexts.common.apps.other.probes` must be a boolean, not string "yes"',
    ]);
  });

  it('needs at least one context', async () => {
    expect((await loadFiles({ 'apps.yaml': '# nothing yet\n' })).messages).toEqual(['apps.yaml:1:1 error TYC0801 missing required key `contexts` at the top level']);
    expect((await loadFiles({ 'apps.yaml': 'contexts: {}\n' })).messages).toEqual(['apps.yaml:1:1 error TYC0801 `contexts` must not be empty']);
  });

  it('reports YAML that does not parse, or is not a mapping, as compose files are', async () => {
    expect((await loadFiles({ 'apps.yaml': 'contexts:\n  a: [\n' })).messages).toEqual([expect.stringMatching(/^apps\.yaml:2:6 error TYC0101 /)]);
    expect((await loadFiles({ 'apps.yaml': '- a\n' })).messages).toEqual(['apps.yaml:1:1 error TYC0107 the top level must be a mapping, not a sequence']);
    expect((await loadFiles({ 'apps.yaml': 'contexts: {a: {}}\ncontexts: {b: {}}\n' })).messages).toEqual(['apps.yaml:2:1 error TYC0102 duplicate key `contexts`']);
  });

  it('does not check what a !reset removes', async () => {
    const { messages } = await loadFiles({
      'apps.yaml': 'defaults: {gpu: {resource: example.com/gpu}}\ncontexts:\n  a:\n    apps:\n      x: {compose: {path: c.yaml}, gpu: !reset null, instances: !reset}\n',
      'c.yaml': 'services: {web: {image: nginx:1.27}}\n',
    });
    expect(messages).toEqual([]);
  });
});
