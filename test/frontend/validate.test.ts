import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/frontend/parse.js';
import { dottedPath } from '../../src/frontend/schema-words.js';
import { validateCompose } from '../../src/frontend/validate.js';

/** The schema diagnostics of a file, positions as `line:col`. */
function validate(text: string): { code: string; message: string; at: string }[] {
  const { root, diagnostics } = parseCompose(text, 'compose.yaml');
  expect(diagnostics).toEqual([]);
  return validateCompose(root!).map((d) => {
    expect(d.severity).toBe('error');
    expect(d.pos?.file).toBe('compose.yaml');
    return { code: d.code, message: d.message, at: `${d.pos?.line}:${d.pos?.col}` };
  });
}

const web = (lines: string) => `services:\n  web:\n    image: nginx\n${lines.replace(/^/gm, '    ')}\n`;

describe('validateCompose: valid files', () => {
  it.each([
    ['a minimal service', 'services:\n  web:\n    image: nginx\n'],
    ['extension keys anywhere', 'x-common: &c {restart: always}\nservices:\n  web:\n    image: nginx\n    x-note: hi\n'],
    ['list and mapping forms', web('environment: [A=1]\nlabels: {a: b}\nports: ["80:80", {target: 443}]')],
    ['the obsolete version key', 'version: "3.8"\nservices:\n  web:\n    image: nginx\n'],
    ['top-level resources', 'services:\n  web: {image: nginx}\nvolumes:\n  data: {}\nnetworks:\n  front: {driver: bridge}\nsecrets:\n  s: {file: ./s}\nconfigs:\n  c: {file: ./c}\n'],
  ])('%s', (_name, text) => {
    expect(validate(text)).toEqual([]);
  });
});

describe('validateCompose: unknown keys (TYC0301)', () => {
  it.each([
    ['a misspelt service key', web('portz: ["80"]'), 'unknown key `portz` in service `web`, did you mean `ports`?', '4:5'],
    ['a misspelt service key, first', 'services:\n  web:\n    imge: nginx\n', 'unknown key `imge` in service `web`, did you mean `image`?', '3:5'],
    ['a key with nothing close', web('foo_bar_baz: 1'), 'unknown key `foo_bar_baz` in service `web`', '4:5'],
    ['at the top level', 'servics:\n  web:\n    image: nginx\n', 'unknown key `servics` at the top level, did you mean `services`?', '1:1'],
    ['a version 1 file', 'web:\n  image: nginx\n', 'unknown key `web` at the top level; it looks like a service in the version 1 format: move services under `services:`', '1:1'],
    ['a version 1 file with build', 'app:\n  build: .\n', 'unknown key `app` at the top level; it looks like a service in the version 1 format: move services under `services:`', '1:1'],
    ['nested in a service', web('healthcheck:\n  tst: [CMD, "true"]'), 'unknown key `tst` in service `web` (healthcheck), did you mean `test`?', '5:7'],
    ['in build', web('build:\n  contxt: .'), 'unknown key `contxt` in service `web` (build), did you mean `context`?', '5:7'],
    ['deeply nested', web('deploy:\n  resources:\n    limits:\n      cpuz: 1'), 'unknown key `cpuz` in service `web` (deploy.resources.limits), did you mean `cpus`?', '7:11'],
    ['in a volume', 'services:\n  web: {image: nginx}\nvolumes:\n  data:\n    drivr: local\n', 'unknown key `drivr` in volume `data`, did you mean `driver`?', '5:5'],
    ['in a network', 'services:\n  web: {image: nginx}\nnetworks:\n  n:\n    foo: 1\n', 'unknown key `foo` in network `n`', '5:5'],
    ['in a secret', 'services:\n  web: {image: nginx}\nsecrets:\n  s:\n    fil: ./x\n', 'unknown key `fil` in secret `s`, did you mean `file`?', '5:5'],
    ['in a config', 'services:\n  web: {image: nginx}\nconfigs:\n  c:\n    fil: ./x\n', 'unknown key `fil` in config `c`, did you mean `file`?', '5:5'],
    ['a service name the schema refuses', 'services:\n  "bad name!":\n    image: nginx\n', 'unknown key `bad name!` in `services`', '2:3'],
    ['case differs', web('Image: nginx'), 'unknown key `Image` in service `web`, did you mean `image`?', '4:5'],
  ])('%s', (_name, text, message, at) => {
    expect(validate(text)).toEqual([{ code: 'TYC0301', message, at }]);
  });

  it('reports each unknown key, pointing at that key', () => {
    expect(validate(web('imagee: x\nportss: []'))).toEqual([
      { code: 'TYC0301', message: 'unknown key `imagee` in service `web`, did you mean `image`?', at: '4:5' },
      { code: 'TYC0301', message: 'unknown key `portss` in service `web`, did you mean `ports`?', at: '5:5' },
    ]);
  });
});

describe('validateCompose: wrong types (TYC0302)', () => {
  it.each([
    ['a sequence for a string', 'services:\n  web:\n    image: [nginx]\n', '`services.web.image` must be a string, not a sequence', '3:5'],
    ['a number for a sequence', web('ports: 80'), '`services.web.ports` must be a sequence, not number 80', '4:5'],
    ['a number for list-or-dict', web('environment: 5'), '`services.web.environment` must be a mapping or a sequence, not number 5', '4:5'],
    ['a sequence for a boolean', web('read_only: [1]'), '`services.web.read_only` must be a boolean or a string, not a sequence', '4:5'],
    ['a string for a sequence', web('cap_add: cap'), '`services.web.cap_add` must be a sequence, not string "cap"', '4:5'],
    ['a number for a string', web('restart: 5'), '`services.web.restart` must be a string, not number 5', '4:5'],
    ['a boolean for a string', web('hostname: true'), '`services.web.hostname` must be a string, not boolean true', '4:5'],
    ['a number for a command', web('healthcheck:\n  test: 5'), '`services.web.healthcheck.test` must be a string or a sequence, not number 5', '5:7'],
    ['a sequence for services', 'services: []\n', '`services` must be a mapping, not a sequence', '1:1'],
    ['a number for the name', 'name: 5\nservices:\n  web:\n    image: nginx\n', '`name` must be a string, not number 5', '1:1'],
    ['an item of a sequence', web('dns_opt: [use-vc, 5]'), '`services.web.dns_opt[1]` must be a string, not number 5', '4:23'],
  ])('%s', (_name, text, message, at) => {
    expect(validate(text)).toEqual([{ code: 'TYC0302', message, at }]);
  });
});

describe('validateCompose: missing required keys (TYC0304)', () => {
  it.each([
    ['extends without service', web('extends: {file: base.yaml}'), 'missing required key `service` in service `web` (extends)', '4:5'],
    ['extends as an empty mapping', web('extends: {}'), 'missing required key `service` in service `web` (extends)', '4:5'],
  ])('%s', (_name, text, message, at) => {
    expect(validate(text)).toEqual([{ code: 'TYC0304', message, at }]);
  });
});

describe('validateCompose: values the schema does not allow (TYC0303)', () => {
  it.each([
    ['an enum', web('cgroup: weird'), '`services.web.cgroup` must be equal to one of the allowed values', '4:5'],
    ['an enum in a sequence item', web('volumes:\n  - type: floppy\n    source: /a\n    target: /b'), '`services.web.volumes[0].type` must be equal to one of the allowed values', '5:9'],
    ['an enum in a mapping', web('depends_on:\n  db:\n    condition: whenever'), '`services.web.depends_on.db.condition` must be equal to one of the allowed values', '6:9'],
    ['a pattern', web('pull_policy: sometimes'), '`services.web.pull_policy` must match pattern "always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+"', '4:5'],
    // A list where a list or a mapping is allowed says what is wrong with the list, not that it is not a mapping.
    ['the same label twice in a list', web('labels: [a=1, b, a=1]'), '`services.web.labels` lists "a=1" twice (items 0 and 2)', '4:22'],
    ['the same port twice', web('ports: [80, 80]'), '`services.web.ports` lists 80 twice (items 0 and 1)', '4:17'],
    ['the same item twice in a plain list', web('dns: [a, a]'), '`services.web.dns` lists "a" twice (items 0 and 1)', '4:14'],
  ])('%s', (_name, text, message, at) => {
    expect(validate(text)).toEqual([{ code: 'TYC0303', message, at }]);
  });
});

describe('dottedPath', () => {
  it.each([
    [[], ''],
    [['services'], 'services'],
    [['services', 'web', 'ports', '0'], 'services.web.ports[0]'],
    [['services', 'web', 'volumes', '2', 'type'], 'services.web.volumes[2].type'],
    [['x', '0', '1'], 'x[0][1]'],
  ])('%j → %j', (path, dotted) => {
    expect(dottedPath(path)).toBe(dotted);
  });
});
