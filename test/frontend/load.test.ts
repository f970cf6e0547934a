import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadProject, normalizeProjectName, type LoadOptions, type LoadedProject } from '../../src/frontend/load.js';
import { toPlain } from '../../src/frontend/tree.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** compose-go's loader test inputs, read in place (never copied into the repository). */
const testdata = path.resolve(repoRoot, '../shared/corpus/compose-go-testdata/loader/testdata');
const haveTestdata = existsSync(testdata);

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh project directory under the system temporary directory holding `files`. */
function project(files: Record<string, string>, name = 'tychoc-load-'): string {
  const dir = mkdtempSync(path.join(realpathSync(tmpdir()), name));
  made.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

interface Loaded {
  readonly project: LoadedProject | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Loads with an empty process environment unless `env` is given. */
function load(opts: Partial<LoadOptions> & { cwd: string }): Loaded {
  const diagnostics: Diagnostic[] = [];
  const loaded = loadProject({ files: [], env: {}, ...opts }, diagnostics);
  return { project: loaded, diagnostics };
}

/** The merged tree of a project that must load without errors or warnings. */
function loadClean(opts: Partial<LoadOptions> & { cwd: string }): LoadedProject {
  const { project: loaded, diagnostics } = load(opts);
  expect(diagnostics).toEqual([]);
  expect(loaded).toBeDefined();
  return loaded!;
}

function services(loaded: LoadedProject): Record<string, Record<string, unknown>> {
  return (toPlain(loaded.root) as { services: Record<string, Record<string, unknown>> }).services;
}

/** Diagnostics as `CODE message @file:line:col`, files relative to `dir`. */
function problems(loaded: Loaded, dir: string): string[] {
  return loaded.diagnostics.map((d) => {
    const file = d.pos ? path.relative(dir, d.pos.file) : '';
    return `${d.code} ${d.message}${d.pos ? ` @${file}:${d.pos.line}:${d.pos.col}` : ''}`;
  });
}

const svc = (name: string, image = name) => `services:\n  ${name}:\n    image: ${image}\n`;

describe('loadProject: default file discovery', () => {
  it.each([
    [['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'], 'compose.yaml'],
    [['compose.yml', 'docker-compose.yml', 'docker-compose.yaml'], 'compose.yml'],
    [['compose.yaml', 'docker-compose.yml'], 'compose.yaml'],
    [['docker-compose.yml', 'docker-compose.yaml'], 'docker-compose.yml'], // compose-go's order: .yml first here
    [['docker-compose.yaml'], 'docker-compose.yaml'],
  ])('among %j, %s is used', (names, winner) => {
    const dir = project(Object.fromEntries(names.map((n) => [n, svc('web', n)])));
    const loaded = loadClean({ cwd: dir });
    expect(loaded.files).toEqual([path.join(dir, winner)]);
    expect(services(loaded)).toEqual({ web: { image: winner } });
  });

  it.each([
    ['compose.yaml', ['compose.override.yaml'], 'compose.override.yaml'],
    ['compose.yaml', ['compose.override.yml', 'compose.override.yaml'], 'compose.override.yml'],
    ['docker-compose.yml', ['docker-compose.override.yml'], 'docker-compose.override.yml'],
    ['docker-compose.yml', ['docker-compose.override.yaml', 'docker-compose.override.yml'], 'docker-compose.override.yml'],
    ['docker-compose.yml', ['compose.override.yaml'], 'compose.override.yaml'], // any override name next to it
  ])('%s is merged with the override file %s', (main, overrides, used) => {
    const files: Record<string, string> = { [main]: 'services:\n  web:\n    image: base\n    ports: ["80:80"]\n' };
    for (const o of overrides) files[o] = `services:\n  web:\n    image: ${o}\n    ports: ["443:443"]\n`;
    const dir = project(files);
    const loaded = loadClean({ cwd: dir });
    expect(loaded.files).toEqual([path.join(dir, main), path.join(dir, used)]);
    expect(services(loaded)).toEqual({ web: { image: used, ports: ['80:80', '443:443'] } });
  });

  it('an override file alone is not a project', () => {
    const dir = project({ 'compose.override.yaml': svc('web') });
    const parentHasCompose = ancestors(dir).some((d) => ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].some((n) => existsSync(path.join(d, n))));
    if (parentHasCompose) return; // a compose file above the temporary directory would be found
    const result = load({ cwd: dir });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toEqual([
      `TYC0106 no compose file given and none found in ${dir} or its parents (looked for compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)`,
    ]);
  });

  it('from a sub-directory, walks up to the nearest compose file; that folder is the project', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n', 'compose.override.yaml': 'services:\n  web:\n    user: root\n', '.env': 'TAG=1.27\n', 'src/app/main.py': '' });
    const loaded = loadClean({ cwd: path.join(dir, 'src', 'app') });
    expect(loaded.files).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'compose.override.yaml')]);
    expect(loaded.dir).toBe(dir);
    expect(loaded.name).toBe(normalizeProjectName(path.basename(dir)));
    expect(services(loaded)).toEqual({ web: { image: 'nginx:1.27', user: 'root' } });
  });

  it('stops at the nearest folder with a compose file', () => {
    const dir = project({ 'compose.yaml': svc('outer'), 'inner/docker-compose.yml': svc('inner') });
    expect(services(loadClean({ cwd: path.join(dir, 'inner') }))).toEqual({ inner: { image: 'inner' } });
  });
});

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

describe('loadProject: explicit files and COMPOSE_FILE', () => {
  const files = {
    'compose.yaml': svc('web', 'base'),
    'a.yaml': 'services:\n  web:\n    environment: [A=1]\n',
    'b.yaml': 'services:\n  web:\n    environment: [B=2]\n  db:\n    image: postgres\n',
  };

  it('merges -f files in order and ignores discovery', () => {
    const dir = project(files);
    const loaded = loadClean({ cwd: dir, files: ['b.yaml', 'a.yaml'] });
    expect(loaded.files).toEqual([path.join(dir, 'b.yaml'), path.join(dir, 'a.yaml')]);
    expect(services(loaded)).toEqual({ web: { environment: { B: '2', A: '1' } }, db: { image: 'postgres' } });
  });

  it('COMPOSE_FILE lists files separated by `:`, relative to the working directory', () => {
    const dir = project(files);
    const loaded = loadClean({ cwd: dir, env: { COMPOSE_FILE: 'compose.yaml:a.yaml:b.yaml' } });
    expect(loaded.files).toEqual(['compose.yaml', 'a.yaml', 'b.yaml'].map((f) => path.join(dir, f)));
    expect(services(loaded)).toEqual({ web: { image: 'base', environment: { A: '1', B: '2' } }, db: { image: 'postgres' } });
  });

  it('COMPOSE_PATH_SEPARATOR changes the separator', () => {
    const dir = project(files);
    const loaded = loadClean({ cwd: dir, env: { COMPOSE_FILE: 'compose.yaml;b.yaml', COMPOSE_PATH_SEPARATOR: ';' } });
    expect(loaded.files).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'b.yaml')]);
  });

  it('COMPOSE_FILE may come from the .env file of the working directory', () => {
    const dir = project({ ...files, '.env': 'COMPOSE_FILE=compose.yaml:a.yaml\n' });
    expect(loadClean({ cwd: dir }).files).toEqual([path.join(dir, 'compose.yaml'), path.join(dir, 'a.yaml')]);
  });

  it('explicit files win over COMPOSE_FILE', () => {
    const dir = project(files);
    expect(loadClean({ cwd: dir, files: ['a.yaml', 'b.yaml'], env: { COMPOSE_FILE: 'compose.yaml' } }).files).toEqual([path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]);
  });

  it('the project directory is the folder of the first file; relative paths resolve against it', () => {
    const dir = project({ 'app/compose.yaml': 'services:\n  web:\n    build: .\n    volumes: [./data:/data]\n', 'overrides/dev.yaml': 'services:\n  web:\n    volumes: [./src:/src]\n' });
    const loaded = loadClean({ cwd: dir, files: ['app/compose.yaml', 'overrides/dev.yaml'] });
    expect(loaded.dir).toBe(path.join(dir, 'app'));
    expect(loaded.name).toBe('app');
    expect(services(loaded)).toEqual({ web: { build: path.join(dir, 'app'), volumes: [`${path.join(dir, 'app', 'data')}:/data`, `${path.join(dir, 'app', 'src')}:/src`] } });
  });

  it('--project-directory sets the directory instead', () => {
    const dir = project({ 'conf/compose.yaml': 'services:\n  web:\n    build: ./web\n', 'root/.keep': '' });
    const loaded = loadClean({ cwd: dir, files: ['conf/compose.yaml'], projectDirectory: 'root' });
    expect(loaded.dir).toBe(path.join(dir, 'root'));
    expect(loaded.name).toBe('root');
    expect(services(loaded)).toEqual({ web: { build: path.join(dir, 'root', 'web') } });
  });

  it('`-` reads standard input', () => {
    const dir = project({});
    const loaded = loadClean({ cwd: dir, files: ['-'], readStdin: () => svc('web', 'from-stdin') });
    expect(loaded.files).toEqual(['-']);
    expect(loaded.dir).toBe(dir);
    expect(services(loaded)).toEqual({ web: { image: 'from-stdin' } });
  });

  it('a missing file is TYC0104', () => {
    const dir = project({});
    const result = load({ cwd: dir, files: ['nope.yaml'] });
    expect(result.project).toBeUndefined();
    // Named on the command line, the file has no line to point at; the message names it.
    expect(problems(result, dir)).toEqual([`TYC0104 cannot read compose file ${path.join(dir, 'nope.yaml')}: no such file`]);
  });

  it('errors in any file stop the load', () => {
    const dir = project({ 'compose.yaml': svc('web'), 'bad.yaml': 'services:\n  web:\n    imagee: x\n' });
    const result = load({ cwd: dir, files: ['compose.yaml', 'bad.yaml'] });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toEqual(['TYC0301 unknown key `imagee` in service `web`, did you mean `image`? @bad.yaml:3:5']);
  });
});

describe('loadProject: files of comments alone', () => {
  it('a comment-only file in a set adds nothing, as docker compose loads it', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n', 'compose.local.yaml': '# local overrides go here\n' });
    const loaded = loadClean({ cwd: dir, files: ['compose.yaml', 'compose.local.yaml'] });
    expect(services(loaded)).toEqual({ web: { image: 'nginx:1.27' } });
  });

  it('a set that adds up to nothing is an empty project (TYC0105), at its first file', () => {
    const dir = project({ 'a.yaml': '# nothing\n', 'b.yaml': '\n' });
    const result = load({ cwd: dir, files: ['a.yaml', 'b.yaml'] });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toEqual(['TYC0105 the compose files are empty (2 files) @a.yaml:1:1']);
  });
});

describe('loadProject: project name', () => {
  it.each<[string, Partial<LoadOptions>, Record<string, string>, string]>([
    ['--project-name beats everything', { projectName: 'FromFlag' }, { COMPOSE_PROJECT_NAME: 'fromenv' }, 'fromflag'],
    ['COMPOSE_PROJECT_NAME beats `name:`', {}, { COMPOSE_PROJECT_NAME: 'FromEnv' }, 'fromenv'],
    ['`name:` beats the directory', {}, {}, 'fromfile'],
  ])('%s', (_name, opts, env, expected) => {
    const dir = project({ 'compose.yaml': `name: FromFile\n${svc('web')}` }, 'Dir-Name.');
    expect(loadClean({ cwd: dir, env, ...opts }).name).toBe(expected);
  });

  it('COMPOSE_PROJECT_NAME may come from .env', () => {
    const dir = project({ 'compose.yaml': `name: fromfile\n${svc('web')}`, '.env': 'COMPOSE_PROJECT_NAME=dotenv\n' });
    expect(loadClean({ cwd: dir }).name).toBe('dotenv');
  });

  it('the directory basename, normalized, when nothing else names the project', () => {
    const dir = project({ 'compose.yaml': svc('web') }, 'My.Project_');
    expect(loadClean({ cwd: dir }).name).toBe(normalizeProjectName(path.basename(dir)));
    expect(loadClean({ cwd: dir }).name).toMatch(/^myproject_[a-z0-9]{6}$/);
  });

  it('`name:` may be interpolated and the last file naming the project wins', () => {
    const dir = project({ 'compose.yaml': `name: \${APP}-dev\n${svc('web')}`, 'prod.yaml': 'name: Prod\n' });
    expect(loadClean({ cwd: dir, env: { APP: 'Shop' } }).name).toBe('shop-dev');
    expect(loadClean({ cwd: dir, env: { APP: 'Shop' }, files: ['compose.yaml', 'prod.yaml'] }).name).toBe('prod');
  });

  it.each([
    ['myapp', 'myapp'],
    ['MyApp', 'myapp'],
    ['my app', 'myapp'],
    ['my.app', 'myapp'],
    ['_my-app_1', 'my-app_1'],
    ['--x', 'x'],
    ['Über', 'ber'],
    ['123', '123'],
  ])('normalizeProjectName(%j) is %j', (name, normalized) => {
    expect(normalizeProjectName(name)).toBe(normalized);
  });
});

describe('loadProject: .env, --env-file and the process environment', () => {
  const compose = 'services:\n  web:\n    image: "nginx:${TAG}"\n    environment:\n      FROM: "${FROM}"\n      ONLY_DOTENV: "${ONLY_DOTENV:-unset}"\n';

  it.each<[string, Partial<LoadOptions>, Record<string, string>, { image: string; FROM: string; ONLY_DOTENV: string }]>([
    ['.env in the project directory', {}, {}, { image: 'nginx:dotenv', FROM: '.env', ONLY_DOTENV: 'yes' }],
    ['an explicit --env-file replaces .env', { envFiles: ['custom.env'] }, {}, { image: 'nginx:custom', FROM: 'custom.env', ONLY_DOTENV: 'unset' }],
    ['later --env-files win over earlier ones', { envFiles: ['custom.env', 'later.env'] }, {}, { image: 'nginx:later', FROM: 'later.env', ONLY_DOTENV: 'unset' }],
    ['the process environment wins over .env', {}, { TAG: 'process' }, { image: 'nginx:process', FROM: '.env', ONLY_DOTENV: 'yes' }],
    ['the process environment wins over --env-file', { envFiles: ['custom.env'] }, { TAG: 'process', FROM: 'shell' }, { image: 'nginx:process', FROM: 'shell', ONLY_DOTENV: 'unset' }],
  ])('%s', (_name, opts, env, expected) => {
    const dir = project({
      'compose.yaml': compose,
      '.env': 'TAG=dotenv\nFROM=.env\nONLY_DOTENV=yes\n',
      'custom.env': 'TAG=custom\nFROM=custom.env\n',
      'later.env': 'TAG=later\nFROM=later.env\n',
    });
    const web = services(loadClean({ cwd: dir, env, ...opts })).web!;
    expect(web).toEqual({ image: expected.image, environment: { FROM: expected.FROM, ONLY_DOTENV: expected.ONLY_DOTENV } });
  });

  it('.env is read from the project directory, not the working directory', () => {
    const dir = project({ 'app/compose.yaml': compose, 'app/.env': 'TAG=app\nFROM=app\n', '.env': 'TAG=cwd\nFROM=cwd\n' });
    expect(services(loadClean({ cwd: dir, files: ['app/compose.yaml'] })).web!['image']).toBe('nginx:app');
  });

  it('--env-file is relative to the working directory', () => {
    const dir = project({ 'app/compose.yaml': compose, 'envs/x.env': 'TAG=x\nFROM=x\n' });
    expect(services(loadClean({ cwd: dir, files: ['app/compose.yaml'], envFiles: ['envs/x.env'] })).web!['image']).toBe('nginx:x');
  });

  it('a missing --env-file is TYC0104', () => {
    const dir = project({ 'compose.yaml': compose });
    const result = load({ cwd: dir, envFiles: ['nope.env'] });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toContain(`TYC0104 cannot read env file ${path.join(dir, 'nope.env')}: no such file`);
  });

  it('an unset variable is a warning and becomes empty', () => {
    const dir = project({ 'compose.yaml': svc('web', 'nginx:${TAG}') });
    const result = load({ cwd: dir });
    expect(problems(result, dir)).toEqual(['TYC0204 variable `TAG` is not set (in `services.web.image`); using an empty string @compose.yaml:3:12']);
    expect(services(result.project!).web).toEqual({ image: 'nginx:' });
  });
});

describe('loadProject: profiles', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: web',
    '  debug:',
    '    image: debug',
    '    profiles: [debug]',
    '  tools:',
    '    image: tools',
    '    profiles: [ops, tools]',
    '',
  ].join('\n');

  it.each<[string, Partial<LoadOptions>, Record<string, string>, string[]]>([
    ['services without profiles are always enabled', {}, {}, ['web']],
    ['--profile enables a profile', { profiles: ['debug'] }, {}, ['web', 'debug']],
    ['any of a service’s profiles enables it', { profiles: ['tools'] }, {}, ['web', 'tools']],
    ['several --profile flags', { profiles: ['debug', 'ops'] }, {}, ['web', 'debug', 'tools']],
    ['`*` enables every profile', { profiles: ['*'] }, {}, ['web', 'debug', 'tools']],
    ['an unknown profile enables nothing more', { profiles: ['nope'] }, {}, ['web']],
    ['COMPOSE_PROFILES, comma-separated', {}, { COMPOSE_PROFILES: 'ops,debug' }, ['web', 'debug', 'tools']],
    ['COMPOSE_PROFILES with spaces and empty items', {}, { COMPOSE_PROFILES: ' debug , ,' }, ['web', 'debug']],
    ['COMPOSE_PROFILES=*', {}, { COMPOSE_PROFILES: '*' }, ['web', 'debug', 'tools']],
    ['--profile replaces COMPOSE_PROFILES', { profiles: ['ops'] }, { COMPOSE_PROFILES: 'debug' }, ['web', 'tools']],
  ])('%s', (_name, opts, env, enabled) => {
    const dir = project({ 'compose.yaml': compose });
    expect(Object.keys(services(loadClean({ cwd: dir, env, ...opts })))).toEqual(enabled);
  });

  it('COMPOSE_PROFILES may come from .env', () => {
    const dir = project({ 'compose.yaml': compose, '.env': 'COMPOSE_PROFILES=debug\n' });
    expect(Object.keys(services(loadClean({ cwd: dir })))).toEqual(['web', 'debug']);
  });

  it('a project whose every service is behind an inactive profile is refused (TYC0508)', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n    profiles: [debug]\n  b:\n    image: b\n    profiles: [ops, debug]\n' });
    expect(problems(load({ cwd: dir }), dir)).toEqual([
      'TYC0508 no service is enabled: every service has a profile and none is active; activate one with --profile (debug, ops) @compose.yaml:2:3',
    ]);
    expect(problems(load({ cwd: dir, profiles: ['x', 'y'] }), dir)).toEqual([
      'TYC0508 no service is enabled: every service has a profile and none of x, y matches; activate one with --profile (debug, ops) @compose.yaml:2:3',
    ]);
  });

  it('a project with no services is refused (TYC0508)', () => {
    const dir = project({ 'compose.yaml': 'services: {}\n' });
    expect(problems(load({ cwd: dir }), dir)).toEqual(['TYC0508 the project defines no services @compose.yaml:1:11']);
  });
});

describe('loadProject: extends', () => {
  it('in the same file: the base is merged under the extending service (compose-go TestLoadExtends)', () => {
    const dir = project({ 'compose.yaml': 'services:\n  foo:\n    image: busybox\n    extends: bar\n  bar:\n    image: alpine\n    command: echo\n' });
    expect(services(loadClean({ cwd: dir }))).toEqual({ foo: { image: 'busybox', command: 'echo' }, bar: { image: 'alpine', command: 'echo' } });
  });

  it('a string command replaces the base command (compose-go TestLoadExtendsOverrideCommand)', () => {
    const dir = project({
      'compose.yaml': 'services:\n  foo:\n    image: busybox\n    extends:\n      service: bar\n    command: "/bin/ash -c \\"rm -rf /tmp/might-not-exist\\""\n  bar:\n    image: alpine\n    command: "/bin/ash -c \\"echo Oh no...\\""\n',
    });
    expect(services(loadClean({ cwd: dir })).foo).toEqual({ image: 'busybox', command: '/bin/ash -c "rm -rf /tmp/might-not-exist"' });
  });

  it('!reset drops an inherited value (compose-go TestLoadExtendsWihReset)', () => {
    const dir = project({ 'compose.yaml': 'services:\n  foo:\n    extends:\n      service: bar\n    volumes: !reset []\n  bar:\n    image: alpine\n    command: echo\n    volumes:\n       - .:/src\n' });
    expect(services(loadClean({ cwd: dir })).foo).toEqual({ image: 'alpine', command: 'echo' });
  });

  it('!reset in a file that overrides nothing drops the key, as compose-go drops every !reset node', () => {
    const dir = project({ 'compose.yaml': 'services:\n  app:\n    image: a\n    ports: !reset ["80:80"]\n    environment:\n      KEEP: "1"\n      GONE: !reset x\n    volumes:\n      - ./a:/a\n      - !reset ./b:/b\n' });
    expect(services(loadClean({ cwd: dir })).app).toEqual({ image: 'a', environment: { KEEP: '1' }, volumes: [`${dir}/a:/a`] });
    const over = project({ 'compose.yaml': 'services:\n  app:\n    image: a\n', 'compose.override.yaml': 'services:\n  app:\n    build: {context: ., args: {X: !reset "1"}}\n' });
    expect(services(loadClean({ cwd: over })).app).toMatchObject({ build: { context: over } });
    expect(services(loadClean({ cwd: over })).app.build.args).toEqual({});
  });

  it('!override replaces an inherited value (compose-go TestLoadExtendsDependsOn)', () => {
    const dir = project({
      'compose.yaml': 'services:\n  service_a:\n    image: a\n    depends_on:\n      - service_c\n  service_b:\n    extends: service_a\n    depends_on: !override\n      - service_a\n  service_c:\n    image: c\n',
    });
    expect(services(loadClean({ cwd: dir })).service_b).toEqual({ image: 'a', depends_on: ['service_a'] });
  });

  it('a chain of extends resolves recursively', () => {
    const dir = project({
      'compose.yaml': 'services:\n  foo:\n    image: busybox\n    extends: bar\n  bar:\n    command: echo\n    environment: [A=1]\n    extends: wee\n  wee:\n    extends: last\n    environment: [B=2]\n  last:\n    image: python\n    ports: ["80"]\n',
    });
    expect(services(loadClean({ cwd: dir })).foo).toEqual({ image: 'busybox', ports: ['80'], environment: { B: '2', A: '1' }, command: 'echo' });
  });

  it('the extending service keeps its own definition where its keys were written', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    extends: base\n    image: web\n  base:\n    image: base\n    user: nobody\n' });
    expect(Object.keys(services(loadClean({ cwd: dir })).web!)).toEqual(['image', 'user']);
  });

  it('!override and extends through two files (compose-go TestOverrideMiddle)', () => {
    const dir = project({
      'base.yaml': 'services:\n  base:\n    volumes:\n      - /foo:/foo\n    networks:\n      - foo\n',
      'override.yaml': 'services:\n  override:\n    extends:\n      file: ./base.yaml\n      service: base\n    volumes: !override\n      -  /bar:/bar\n    networks: !override\n      - bar\n',
      'compose.yaml': 'name: test\nservices:\n  test:\n    image: test\n    extends:\n      file: ./override.yaml\n      service: override\n    volumes:\n      - /zot:/zot\n    networks: !override\n      - zot\n\nnetworks:\n  zot: {}\n',
    });
    expect(services(loadClean({ cwd: dir })).test).toEqual({ volumes: ['/bar:/bar', '/zot:/zot'], networks: ['zot'], image: 'test' });
  });

  it('!override inside a chain of extends in one file (compose-go TestOverrideSelfExtends)', () => {
    const dir = project({
      'compose.yaml': [
        'services:',
        '  depend_base: {image: nginx, ports: ["8092:80"]}',
        '  depend_one: {image: nginx, ports: ["8091:80"]}',
        '  depend_two:',
        '    extends: {service: depend_one}',
        '  main_one:',
        '    image: nginx',
        '    depends_on: [depend_one]',
        '    ports: ["8090:80"]',
        '  main_two:',
        '    extends: main_one',
        '    depends_on: !override [depend_two]',
        '  main:',
        '    extends: {service: main_two}',
        '    depends_on: [depend_base]',
        '',
      ].join('\n'),
    });
    expect(services(loadClean({ cwd: dir })).main).toEqual({ image: 'nginx', depends_on: ['depend_two', 'depend_base'], ports: ['8090:80'] });
  });

  it("from another file: relative paths resolve against that file's directory (compose-go TestLoadExtendsMultipleFiles)", () => {
    const dir = project({
      'a/compose.yaml': 'services:\n  a:\n    build: .\n    env_file: a.env\n    volumes: [./data:/data, named:/named]\n',
      'a/a.env': 'X=1\n',
      'b/compose.yaml': 'services:\n  b:\n    build:\n      target: fake\n',
      'compose.yaml': 'services:\n  a:\n    extends:\n      file: ./a/compose.yaml\n      service: a\n  b:\n    extends:\n      file: ./b/compose.yaml\n      service: b\n',
    });
    expect(services(loadClean({ cwd: dir }))).toEqual({
      a: { build: path.join(dir, 'a'), env_file: path.join(dir, 'a', 'a.env'), volumes: [`${path.join(dir, 'a', 'data')}:/data`, 'named:/named'] },
      b: { build: { target: 'fake' } },
    });
  });

  it('from another file whose service extends a sibling there (compose-go TestLoadExtendsSameFile)', () => {
    const dir = project({
      'sub/compose.yaml': 'services:\n  base:\n    build:\n      context: ..\n  service:\n    extends: base\n    build:\n      target: target\n',
      'compose.yaml': 'services:\n  out-base:\n    extends:\n      file: sub/compose.yaml\n      service: base\n  out-service:\n    extends:\n      file: sub/compose.yaml\n      service: service\n',
    });
    expect(services(loadClean({ cwd: dir, projectName: 'project' }))).toEqual({
      'out-base': { build: { context: dir } },
      'out-service': { build: { context: dir, target: 'target' } },
    });
  });

  it('a file extended from another file resolves its own relative `extends.file`', () => {
    const dir = project({
      'compose.yaml': 'services:\n  test:\n    extends:\n      file: dir/compose.yaml\n      service: test\n',
      'dir/compose.yaml': 'services:\n  test:\n    extends:\n      file: base.yaml\n      service: test\n    volumes: [./x:/x]\n',
      'dir/base.yaml': 'services:\n  test:\n    image: hello-world\n',
    });
    expect(services(loadClean({ cwd: dir })).test).toEqual({ image: 'hello-world', volumes: [`${path.join(dir, 'dir', 'x')}:/x`] });
  });

  it('variables in the extended file come from the project environment', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    extends: {file: base.yaml, service: base}\n', 'base.yaml': 'services:\n  base:\n    image: "app:${TAG}"\n', '.env': 'TAG=7\n' });
    expect(services(loadClean({ cwd: dir })).web).toEqual({ image: 'app:7' });
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['a cycle in one file (TYC0402)', { 'compose.yaml': 'services:\n  a:\n    image: a\n    extends: b\n  b:\n    image: b\n    extends: a\n' }, ['TYC0402 `extends` cycle: a -> b -> a @compose.yaml:7:14', 'TYC0402 `extends` cycle: b -> a -> b @compose.yaml:4:14']],
    ['a service extending itself (TYC0402)', { 'compose.yaml': 'services:\n  a:\n    image: a\n    extends: a\n' }, ['TYC0402 `extends` cycle: a -> a @compose.yaml:4:14']],
    [
      'a cycle through two files (TYC0402)',
      { 'compose.yaml': 'services:\n  a:\n    extends: {file: b.yaml, service: b}\n', 'b.yaml': 'services:\n  b:\n    extends: {file: compose.yaml, service: a}\n' },
      ['TYC0402 `extends` cycle: a -> b -> a @b.yaml:3:14'],
    ],
    ['an undefined service (TYC0401)', { 'compose.yaml': 'services:\n  a:\n    extends: nope\n' }, ['TYC0401 service `a` extends `nope`, which is not defined @compose.yaml:3:14']],
    [
      'an undefined service in another file (TYC0401)',
      { 'compose.yaml': 'services:\n  a:\n    extends: {file: sub/b.yaml, service: nope}\n', 'sub/b.yaml': svc('b') },
      ['TYC0401 service `a` extends `nope`, which is not defined in ./sub/b.yaml @compose.yaml:3:14'],
    ],
    ['a missing file (TYC0104)', { 'compose.yaml': 'services:\n  a:\n    extends: {file: missing.yaml, service: b}\n' }, ['TYC0104 cannot read extended compose file ./missing.yaml: no such file @compose.yaml:3:21']],
    ['no service named (TYC0304)', { 'compose.yaml': 'services:\n  a:\n    image: a\n    extends:\n      file: b.yaml\n' }, ['TYC0304 missing required key `service` in service `a` (extends) @compose.yaml:4:5']],
  ])('%s', (_name, files, expected) => {
    const dir = project(files);
    const result = load({ cwd: dir });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toEqual(expected);
  });
});

describe('loadProject: include', () => {
  it('adds the resources of the included project; its paths resolve against its own directory', () => {
    const dir = project({
      'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  web:\n    image: web\n    depends_on: [db]\n',
      'db/compose.yaml': 'services:\n  db:\n    image: "postgres:${PG}"\n    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d]\nvolumes:\n  data: {}\nsecrets:\n  pw:\n    file: ./pw.txt\n',
      'db/.env': 'PG=16\n',
    });
    const loaded = loadClean({ cwd: dir });
    expect(toPlain(loaded.root)).toEqual({
      services: {
        web: { image: 'web', depends_on: ['db'] },
        db: { image: 'postgres:16', volumes: ['data:/var/lib/postgresql/data', `${path.join(dir, 'db', 'init')}:/docker-entrypoint-initdb.d`] },
      },
      volumes: { data: {} },
      secrets: { pw: { file: path.join(dir, 'db', 'pw.txt') } },
    });
  });

  it('the long syntax: several files, project_directory and env_file', () => {
    const dir = project({
      'compose.yaml': 'include:\n  - path: [lib/base.yaml, lib/extra.yaml]\n    project_directory: lib/root\n    env_file: lib/vars.env\nservices:\n  web: {image: web}\n',
      'lib/base.yaml': 'services:\n  api:\n    image: "api:${V}"\n    build: ./src\n',
      'lib/extra.yaml': 'services:\n  api:\n    environment: [EXTRA=1]\n',
      'lib/vars.env': 'V=3\n',
    });
    expect(services(loadClean({ cwd: dir }))).toEqual({
      web: { image: 'web' },
      api: { image: 'api:3', build: path.join(dir, 'lib', 'root', 'src'), environment: ['EXTRA=1'] },
    });
  });

  it('the including project’s environment does not reach the included one, the process environment does', () => {
    const dir = project({ 'compose.yaml': 'include:\n  - sub/compose.yaml\n', '.env': 'V=outer\n', 'sub/compose.yaml': 'services:\n  s:\n    image: "x:${V:-none}-${P:-none}"\n' });
    expect(services(loadClean({ cwd: dir, env: { P: 'p' } })).s).toEqual({ image: 'x:none-p' });
  });

  it('a later file may override an included service (compose-go TestLoadWithIncludeOverride)', () => {
    const dir = project({ 'compose.yaml': 'include:\n  - sub/compose.yaml\n', 'override.yaml': 'services:\n  imported:\n    image: overridden\n', 'sub/compose.yaml': 'services:\n  imported:\n    image: nginx\n' });
    expect(services(loadClean({ cwd: dir, files: ['compose.yaml', 'override.yaml'] }))).toEqual({ imported: { image: 'overridden' } });
  });

  it('an included file may use extends relative to the include’s project directory (compose-go TestNestedIncludeAndExtends)', () => {
    const dir = project({
      'compose.yml': 'include:\n  - project_directory: .\n    path: dir/included.yaml\n',
      'dir/included.yaml': 'services:\n  included:\n    extends:\n      file: dir/extended.yaml\n      service: extended\n',
      'dir/extended.yaml': 'services:\n  extended:\n    image: alpine\n',
    });
    expect(services(loadClean({ cwd: dir, projectName: 'project' }))).toEqual({ included: { image: 'alpine' } });
  });

  it('the same definition included twice is not a conflict (compose-go TestLoadWithMultipleInclude)', () => {
    const dir = project({
      'compose.yaml': 'include:\n  - lib/imported.yaml\n  - other.yaml\nservices:\n  foo:\n    image: busybox\n',
      'other.yaml': 'include:\n  - lib/imported.yaml\nservices:\n  bar:\n    image: bar\n',
      'lib/imported.yaml': 'services:\n  imported:\n    image: nginx\n',
    });
    expect(services(loadClean({ cwd: dir }))).toEqual({ foo: { image: 'busybox' }, imported: { image: 'nginx' }, bar: { image: 'bar' } });
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a service defined on both sides (TYC0403)',
      { 'compose.yaml': 'include:\n  - sub/b.yaml\nservices:\n  web:\n    image: a\n', 'sub/b.yaml': 'services:\n  web:\n    image: b\n' },
      ['TYC0403 included service `web` is also defined here @compose.yaml:4:3'],
    ],
    [
      'a volume defined on both sides (TYC0403)',
      { 'compose.yaml': 'include:\n  - b.yaml\nservices:\n  web:\n    image: a\nvolumes:\n  data: {}\n', 'b.yaml': 'services:\n  db:\n    image: b\nvolumes:\n  data:\n    driver: local\n' },
      ['TYC0403 included volume `data` is also defined here @compose.yaml:7:3'],
    ],
    [
      'two includes bringing different definitions (TYC0403)',
      { 'compose.yaml': 'include:\n  - a.yaml\n  - b.yaml\n', 'a.yaml': 'services:\n  web:\n    image: a\n', 'b.yaml': 'services:\n  web:\n    image: b\n' },
      ['TYC0403 included service `web` is also defined here @a.yaml:2:3'],
    ],
    [
      'a file including itself (TYC0404)',
      { 'compose.yaml': 'include:\n  - compose.yaml\nservices:\n  a:\n    image: a\n' },
      ['TYC0404 `include` cycle: compose.yaml -> compose.yaml @compose.yaml:2:5'],
    ],
    [
      'a cycle through two files (TYC0404)',
      { 'compose.yaml': 'include:\n  - b.yaml\nservices:\n  a:\n    image: a\n', 'b.yaml': 'include:\n  - compose.yaml\nservices:\n  b:\n    image: b\n' },
      ['TYC0404 `include` cycle: compose.yaml -> b.yaml -> compose.yaml @b.yaml:2:5'],
    ],
    [
      'a missing file (TYC0104)',
      { 'compose.yaml': 'include:\n  - nope.yaml\nservices:\n  a:\n    image: a\n' },
      ['TYC0104 cannot read included compose file ./nope.yaml: no such file @compose.yaml:2:5'],
    ],
  ])('%s', (_name, files, expected) => {
    const dir = project(files);
    const result = load({ cwd: dir });
    expect(result.project).toBeUndefined();
    expect(problems(result, dir)).toEqual(expected);
  });
});

/**
 * compose-go's own loader inputs (loader/testdata), with the expectations of its loader tests
 * (loader/loader_test.go, extends_test.go, include_test.go). compose-go keeps relative paths
 * relative when ResolvePaths is off; tychoc always makes them absolute, so those are compared
 * as absolute paths under the testdata folder.
 */
describe.skipIf(!haveTestdata)(
  haveTestdata ? 'loadProject: compose-go loader testdata' : `loadProject: compose-go loader testdata (SKIPPED: ${testdata} not found)`,
  () => {
    const td = (...parts: string[]) => path.join(testdata, ...parts);
    /** A compose file of our own, in a temporary folder, that refers into the testdata. */
    const inline = (text: string) => project({ 'compose.yaml': text });

    it('TestLoadWithExtends: compose-test-extends.yaml', () => {
      const loaded = loadClean({ cwd: testdata, files: ['compose-test-extends.yaml'] });
      expect(loaded.name).toBe('compose-test-extends');
      expect(services(loaded)).toEqual({
        importer: {
          image: 'nginx',
          container_name: 'imported', // ${SOURCE:-imported}: extra.env is the service's env_file, not the project's
          env_file: [td('subdir', 'extra.env')], // relative to the extended file
          volumes: ['/opt/data:/var/lib/mysql'],
        },
      });
    });

    it('TestLoadWithExtendsWithContextUrl: a URL build context is not a path', () => {
      const loaded = loadClean({ cwd: testdata, files: ['compose-test-extends-with-context-url.yaml'] });
      expect(services(loaded)).toEqual({ 'importer-with-https-url': { build: { context: 'https://github.com/docker/compose.git' } } });
    });

    it('TestEmptyFile: empty.yaml', () => {
      const result = load({ cwd: testdata, files: ['empty.yaml'] });
      expect(result.project).toBeUndefined();
      expect(problems(result, testdata)).toEqual(['TYC0105 the compose file is empty @empty.yaml:1:1']);
    });

    it('TestLoadWithIncludeCycle: compose-include-cycle.yaml', () => {
      const result = load({ cwd: testdata, files: ['compose-include-cycle.yaml'] });
      expect(result.project).toBeUndefined();
      expect(problems(result, testdata)).toEqual(['TYC0404 `include` cycle: compose-include-cycle.yaml -> compose-include-cycle.yaml @compose-include-cycle.yaml:2:5']);
    });

    it('TestLoadWithInclude: include with env_file', () => {
      const text = `name: test-include\ninclude:\n  - path: ${td('subdir', 'compose-test-extends-imported.yaml')}\n    env_file: ${td('subdir', 'extra.env')}\nservices:\n  foo:\n    image: busybox\n    depends_on:\n      - imported\n`;
      const dir = inline(text);
      expect(services(loadClean({ cwd: dir }))).toEqual({
        foo: { image: 'busybox', depends_on: ['imported'] },
        imported: { image: 'nginx', container_name: 'extends', env_file: [td('subdir', 'extra.env')], volumes: ['/opt/data:/var/lib/mysql'] },
      });
      // The process environment wins over the include's env_file.
      expect(services(loadClean({ cwd: dir, env: { SOURCE: 'override' } })).imported!['container_name']).toBe('override');
    });

    it('TestLoadWithMultipleInclude: the same service through two includes', () => {
      const text = `name: test-multi-include\ninclude:\n  - path: ${td('subdir', 'compose-test-extends-imported.yaml')}\n    env_file: ${td('subdir', 'extra.env')}\n  - path: ${td('compose-include.yaml')}\nservices:\n  foo:\n    image: busybox\n    depends_on:\n      - imported\n`;
      const loaded = loadClean({ cwd: inline(text), env: { SOURCE: 'override' } });
      expect(Object.keys(services(loaded))).toEqual(['foo', 'imported', 'bar']);
      expect(services(loaded).imported!['container_name']).toBe('override');
    });

    it('TestLoadWithMultipleIncludeConflict: different definitions of one service conflict (TYC0403)', () => {
      // compose-go before v2.10 refused this too; it now merges the two definitions.
      const text = `name: test-multi-include\ninclude:\n  - path: ${td('subdir', 'compose-test-extends-imported.yaml')}\n    env_file: ${td('subdir', 'extra.env')}\n  - path: ${td('compose-include.yaml')}\n`;
      const dir = inline(text);
      const result = load({ cwd: dir });
      expect(result.project).toBeUndefined();
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['TYC0403 included service `imported` is also defined here']);
    });

    it('TestLoadWithIncludeOverride: a later file overrides an included service', () => {
      const dir = project({ 'compose.yaml': `name: test-include-override\ninclude:\n  - ${td('subdir', 'compose-test-extends-imported.yaml')}\n`, 'override.yaml': 'services:\n  imported:\n    image: overridden\n' });
      expect(services(loadClean({ cwd: dir, files: ['compose.yaml', 'override.yaml'] })).imported!['image']).toBe('overridden');
    });

    it('TestIncludeRelative: include/compose.yaml', () => {
      const loaded = loadClean({ cwd: td('include'), files: ['compose.yaml'], projectName: 'test-include-relative' });
      expect(services(loaded)).toEqual({ included: { build: td('include'), volumes: [`${td('include')}:/mnt`] } });
    });

    it('TestIncludeWithProjectDirectory: include/project-directory.yaml', () => {
      const loaded = loadClean({ cwd: td('include'), files: ['project-directory.yaml'], projectName: 'test-load-project-directory' });
      const service = services(loaded).service!;
      expect(service['volumes']).toEqual([{ type: 'bind', source: td('subdir', 'compose-test-extends-imported.yaml'), target: '/mnt/bind/compose.yaml' }]);
      expect(service['env_file']).toEqual([td('subdir', 'extra.env')]);
    });

    it('TestLoadIncludeExtendsCombined: combined/compose.yaml', () => {
      const loaded = loadClean({ cwd: td('combined'), files: [td('combined', 'compose.yaml')], projectName: 'test-load-combined' });
      expect(services(loaded)).toEqual({ service: { build: td('combined', 'dir') } });
    });

    it('TestIncludeWithExtends: extends/nested.yaml through include', () => {
      const loaded = loadClean({ cwd: inline(`name: test-include-with-extends\ninclude:\n  - ${td('extends', 'nested.yaml')}\n`) });
      expect(services(loaded)).toEqual({ 'with-build': { build: td('extends') } });
    });

    it('extends/withdir: extends within extends, each relative to its own file', () => {
      expect(services(loadClean({ cwd: td('extends', 'withdir'), files: ['compose.yaml'] }))).toEqual({ test: { image: 'hello-world' } });
    });

    it('TestExtendsReset: extends/reset.yaml', () => {
      const loaded = loadClean({ cwd: inline(`name: test-extends-reset\nservices:\n  test:\n    extends:\n      file: ${td('extends', 'reset.yaml')}\n      service: base\n`) });
      expect(services(loaded)).toEqual({ test: { image: 'alpine:latest' } });
    });

    it('TestExtendsWithInterpolation: extends/interpolated.yaml', () => {
      const loaded = loadClean({ cwd: inline(`name: test-extends-with-interpolation\nservices:\n  test:\n    extends: { file: ${td('extends', 'interpolated.yaml')}, service: foo }\n`) });
      expect(services(loaded)).toEqual({ test: { image: 'bash', volumes: ['/dev/null:/tmp/foo:ro'] } });
    });

    it('TestExtendsPortOverride: extends/ports.yaml then a file extending it', () => {
      const dir = project({ 'override.yaml': `services:\n  test:\n    extends:\n      file: ${td('extends', 'ports.yaml')}\n      service: test\n` });
      const loaded = loadClean({ cwd: dir, files: [td('extends', 'ports.yaml'), path.join(dir, 'override.yaml')], projectName: 'test-extends-port' });
      expect(services(loaded)).toEqual({ test: { image: 'test', ports: ['8080:8080'] } });
    });

    it('TestExtendsWihtMissingService: extends.service is required', () => {
      const dir = inline(`name: test-extends-port\nservices:\n  test:\n    image: test\n    extends:\n      file: ${td('extends', 'base.yaml')}\n`);
      expect(problems(load({ cwd: dir }), dir)).toEqual(['TYC0304 missing required key `service` in service `test` (extends) @compose.yaml:5:5']);
    });

    /**
     * extends/base.yaml ends with `nil:`, a service with no definition. compose-go does not
     * validate an extended file by itself (only the merged result), so these load there;
     * tychoc validates the whole extended file and refuses it. Known divergence: kept as
     * expected failures so that fixing it turns them into plain tests.
     */
    const fromBase = (service: string, extra = '') =>
      inline(`name: test-extends\nservices:\n  test:\n${extra}    extends:\n      file: ${td('extends', 'base.yaml')}\n      service: ${service}\n`);

    it('extends/base.yaml is refused whole because of its `nil:` service', () => {
      const dir = fromBase('base');
      expect(problems(load({ cwd: dir }), testdata)).toEqual(['TYC0302 `services.nil` must be a mapping, not null @extends/base.yaml:25:3']);
    });

    it.fails('TestExtends: base and another (extends base) from extends/base.yaml', () => {
      expect(services(loadClean({ cwd: fromBase('another', '    hostname: test3\n') })).test).toEqual({ image: 'base', hostname: 'test3' });
    });

    it.fails('TestExtendsPort: with-port', () => {
      expect(services(loadClean({ cwd: fromBase('with-port', '    image: test\n') })).test).toEqual({ image: 'test', ports: ['8000:8000'] });
    });

    it.fails('TestExtendsRelativePath: with-build, which extends sibling.yaml', () => {
      expect(services(loadClean({ cwd: fromBase('with-build') })).test).toEqual({ build: td('extends') });
    });
  },
);
