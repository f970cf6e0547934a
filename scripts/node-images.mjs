#!/usr/bin/env node
// Builds the container images the real-node tests run, into the cache: no registry is reachable,
// so each image is made here from Debian packages (debootstrap) or from a static binary, packed as
// an OCI layout and archived as one images.tar that `ctr images import` takes. Images that share a
// root file system share its layer, so containerd stores it once.
//
//   node scripts/node-images.mjs           build what is missing (needs root, debootstrap, gcc)
//   node scripts/node-images.mjs --paths   build nothing; print the archive and its index, exit 1 if missing
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = join(here, 'node-images');
const cache = join(process.env.TYCHOC_CACHE ?? join(homedir(), '.cache', 'tychoc'), 'images');

const SUITE = 'bookworm';
const MIRROR = 'http://deb.debian.org/debian';
// Real servers whose users behave as the official images' do: root at start, dropping privileges.
const DEBIAN_PACKAGES = ['nginx-light', 'redis-server', 'postgresql-15', 'busybox-static'];
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The images, by the references compose files use. `layer` names the root file system; `config`
 * is the OCI image config's `config` part.
 */
const IMAGES = [
  {
    // Master as root, workers as www-data; port 80.
    refs: ['docker.io/library/nginx:1.27'],
    layer: 'debian',
    config: { Cmd: ['nginx', '-g', 'daemon off;'], Env: [PATH], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT' },
  },
  {
    refs: ['docker.io/library/postgres:16', 'docker.io/library/postgres:15'],
    layer: 'debian',
    config: {
      Entrypoint: ['postgres-entrypoint.sh'],
      Cmd: ['postgres'],
      Env: [`${PATH}:/usr/lib/postgresql/15/bin`, 'PGDATA=/var/lib/postgresql/data', 'LANG=C.UTF-8'],
      ExposedPorts: { '5432/tcp': {} },
      Volumes: { '/var/lib/postgresql/data': {} },
      StopSignal: 'SIGINT',
    },
  },
  {
    // Debian's build keeps protected mode on, which refuses clients from other pods.
    refs: ['docker.io/library/redis:7', 'docker.io/library/redis:7.0'],
    layer: 'debian',
    config: {
      Entrypoint: ['redis-entrypoint.sh'],
      Cmd: ['redis-server', '--protected-mode', 'no'],
      Env: [PATH],
      WorkingDir: '/data',
      ExposedPorts: { '6379/tcp': {} },
      Volumes: { '/data': {} },
    },
  },
  {
    // Checks from inside the cluster: psql, redis-cli, and busybox's wget and nc.
    refs: ['tychoc.test/client:1'],
    layer: 'debian',
    config: { Cmd: ['sleep', 'infinity'], Env: [PATH] },
  },
  {
    refs: ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.35'],
    layer: 'busybox',
    config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
  },
  {
    // A numeric non-root USER, as in images built to run without root.
    refs: ['tychoc.test/numeric-user:1'],
    layer: 'busybox',
    config: { Cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'], Env: ['PATH=/bin'], User: '10001:10001', ExposedPorts: { '8080/tcp': {} } },
  },
  {
    // A named non-root USER: the kubelet cannot tell that it is not root.
    refs: ['tychoc.test/named-user:1'],
    layer: 'busybox',
    config: { Cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'], Env: ['PATH=/bin'], User: 'app', ExposedPorts: { '8080/tcp': {} } },
  },
  {
    // Stands in for images that cannot be built here: runs as root and stays up, as most servers do.
    refs: ['tychoc.test/stand-in:1'],
    layer: 'busybox',
    config: { Cmd: ['sleep', '2147483647'], Env: ['PATH=/bin'] },
  },
  {
    refs: ['registry.k8s.io/pause:3.10'],
    layer: 'pause',
    config: { Entrypoint: ['/pause'], User: '65535:65535' },
  },
  {
    refs: ['docker.io/coredns/coredns:v1.12.0'],
    layer: 'coredns',
    config: { Entrypoint: ['/coredns'], ExposedPorts: { '53/tcp': {}, '53/udp': {} } },
  },
];

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const fileSha256 = (path) => run('sha256sum', [path]).toString().split(' ')[0];

/** What the images depend on: this script, its files, the packages and the CoreDNS binary's version. */
function imagesKey(coredns) {
  const parts = [readFileSync(fileURLToPath(import.meta.url)), SUITE, ...DEBIAN_PACKAGES, coredns];
  for (const name of readdirSync(files).sort()) parts.push(name, readFileSync(join(files, name)));
  return sha256(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p + '\0') : p)))).slice(0, 16);
}

function corednsBinary() {
  let out;
  try {
    out = run('bash', [join(here, 'cluster-binaries.sh'), '--paths']).toString();
  } catch (err) {
    out = err.stdout?.toString() ?? '';
  }
  const path = out.split('\n').find((l) => l.startsWith('coredns\t'))?.split('\t')[1];
  if (!path || !existsSync(path)) throw new Error('the CoreDNS binary is missing; build it first with scripts/cluster-binaries.sh');
  return path;
}

const dir = (key) => join(cache, key);
const paths = (key) => ({ archive: join(dir(key), 'images.tar'), index: join(dir(key), 'images.json') });

/** debootstrap's minimal Debian with the packages, trimmed; cached by its package list. */
function debianRootfs() {
  const root = join(cache, `debian-${sha256([SUITE, ...DEBIAN_PACKAGES].join(' ')).slice(0, 12)}`);
  if (existsSync(join(root, '.ready'))) return join(root, 'rootfs');
  const started = Date.now();
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(cache, 'debs'), { recursive: true });
  const rootfs = join(root, 'rootfs');
  run('nice', ['-n', '10', 'debootstrap', '--variant=minbase', `--cache-dir=${join(cache, 'debs')}`, `--include=${DEBIAN_PACKAGES.join(',')}`, SUITE, rootfs, MIRROR], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Package lists, docs, locales and the cluster that postgresql-15's postinst made are not part
  // of an image; nor is LLVM (100 MB), which postgres loads only to compile costly queries.
  const trim = ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/i18n', 'var/lib/postgresql/15', 'etc/postgresql/15'];
  const lib = 'usr/lib/x86_64-linux-gnu';
  trim.push(...readdirSync(join(rootfs, lib)).filter((f) => f.startsWith('libLLVM')).map((f) => join(lib, f)));
  for (const p of trim) rmSync(join(rootfs, p), { recursive: true, force: true });
  for (const d of readdirSync(join(rootfs, 'dev'))) rmSync(join(rootfs, 'dev', d), { recursive: true, force: true });
  writeFileSync(join(root, '.ready'), '');
  console.log(`node-images: Debian ${SUITE} root file system built in ${Math.round((Date.now() - started) / 1000)}s`);
  return rootfs;
}

/** Numeric uid and gid of a user in a root file system's /etc/passwd. */
function ids(rootfs, user) {
  const line = readFileSync(join(rootfs, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user} in ${rootfs}`);
  const [, , uid, gid] = line.split(':');
  return `${uid}:${gid}`;
}

/** The root file systems of the layers, built in `work`. */
function buildLayers(work, coredns) {
  // A working copy with owners and modes (cpSync keeps no owners), so the cached tree stays as built.
  const debian = join(work, 'debian');
  mkdirSync(debian, { recursive: true });
  run('bash', ['-c', 'tar -C "$1" -cf - . | tar -C "$2" -xpf -', 'copy', debianRootfs(), debian]);
  for (const script of ['postgres-entrypoint.sh', 'redis-entrypoint.sh']) {
    cpSync(join(files, script), join(debian, 'usr/local/bin', script));
    chmodSync(join(debian, 'usr/local/bin', script), 0o755);
  }
  // Logs go to the container's output, as in the official nginx image.
  for (const [log, target] of [['access.log', '/dev/stdout'], ['error.log', '/dev/stderr']]) {
    rmSync(join(debian, 'var/log/nginx', log), { force: true });
    symlinkSync(target, join(debian, 'var/log/nginx', log));
  }
  mkdirSync(join(debian, 'var/lib/postgresql/data'), { recursive: true });
  run('chown', [ids(debian, 'postgres'), join(debian, 'var/lib/postgresql/data')]);
  chmodSync(join(debian, 'var/lib/postgresql/data'), 0o700);
  mkdirSync(join(debian, 'data'));
  run('chown', [ids(debian, 'redis'), join(debian, 'data')]);

  const busybox = join(work, 'busybox');
  for (const d of ['bin', 'etc', 'root', 'www', 'home/app']) mkdirSync(join(busybox, d), { recursive: true });
  mkdirSync(join(busybox, 'tmp'), { mode: 0o1777 });
  chmodSync(join(busybox, 'tmp'), 0o1777);
  cpSync(join(debian, 'bin/busybox'), join(busybox, 'bin/busybox'));
  for (const applet of run(join(busybox, 'bin/busybox'), ['--list']).toString().split('\n')) {
    if (applet && applet !== 'busybox') symlinkSync('busybox', join(busybox, 'bin', applet));
  }
  writeFileSync(join(busybox, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(busybox, 'etc/group'), 'root:x:0:\napp:x:10001:\nnobody:x:65534:\n');
  run('chown', ['10001:10001', join(busybox, 'home/app')]);
  writeFileSync(join(busybox, 'www/index.html'), 'hello from a non-root user\n');

  const pause = join(work, 'pause');
  mkdirSync(pause);
  run('gcc', ['-Os', '-static', '-o', join(pause, 'pause'), join(files, 'pause.c')]);
  run('strip', [join(pause, 'pause')]);

  const dns = join(work, 'coredns');
  mkdirSync(join(dns, 'etc'), { recursive: true });
  cpSync(coredns, join(dns, 'coredns'));
  writeFileSync(join(dns, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n');
  return { debian, busybox, pause, coredns: dns };
}

/** Writes `data` (or moves `file`) into the layout's blobs and returns its descriptor. */
function blob(layout, mediaType, { data, file }) {
  const digest = data !== undefined ? sha256(data) : fileSha256(file);
  const target = join(layout, 'blobs/sha256', digest);
  if (data !== undefined) writeFileSync(target, data);
  else renameSync(file, target);
  return { mediaType, digest: `sha256:${digest}`, size: statSync(target).size };
}

function build(key, coredns) {
  const started = Date.now();
  const work = join(cache, `.work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  const layout = join(work, 'oci');
  mkdirSync(join(layout, 'blobs/sha256'), { recursive: true });
  try {
    const roots = buildLayers(join(work, 'rootfs'), coredns);
    const layers = {};
    for (const [name, root] of Object.entries(roots)) {
      const tar = join(work, `${name}.tar`);
      run('tar', ['--numeric-owner', '--sort=name', '-C', root, '-cf', tar, '.']);
      layers[name] = blob(layout, 'application/vnd.oci.image.layer.v1.tar', { file: tar });
    }
    const manifests = [];
    const index = {};
    for (const image of IMAGES) {
      const layer = layers[image.layer];
      // An uncompressed layer's diff id is its digest.
      const config = { architecture: 'amd64', os: 'linux', config: image.config, rootfs: { type: 'layers', diff_ids: [layer.digest] } };
      const configBlob = blob(layout, 'application/vnd.oci.image.config.v1+json', { data: JSON.stringify(config) });
      const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configBlob, layers: [layer] };
      const manifestBlob = blob(layout, manifest.mediaType, { data: JSON.stringify(manifest) });
      for (const ref of image.refs) {
        manifests.push({ ...manifestBlob, annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': ref.split(':').pop() } });
        index[ref] = manifestBlob.digest;
      }
    }
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    const out = dir(key);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    run('tar', ['-C', layout, '-cf', `${paths(key).archive}.tmp`, '.']);
    renameSync(`${paths(key).archive}.tmp`, paths(key).archive);
    // Written last: its presence means the archive is complete.
    writeFileSync(paths(key).index, JSON.stringify(index, null, 2) + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Archives of earlier versions of this script are not used again.
  for (const name of readdirSync(cache)) {
    if (/^[0-9a-f]{16}$/.test(name) && name !== key) rmSync(join(cache, name), { recursive: true, force: true });
  }
  console.log(`node-images: ${IMAGES.length} images built in ${Math.round((Date.now() - started) / 1000)}s: ${paths(key).archive}`);
}

function main(args) {
  if (args.length > 1 || (args.length === 1 && args[0] !== '--paths')) {
    console.error('usage: node scripts/node-images.mjs [--paths]');
    return 2;
  }
  const key = imagesKey(corednsBinary().split('/').slice(-2, -1)[0]);
  const { archive, index } = paths(key);
  const ready = existsSync(index);
  if (args[0] === '--paths') {
    console.log(`archive\t${archive}\nindex\t${index}`);
    return ready ? 0 : 1;
  }
  if (ready) {
    console.log(`node-images: cached ${archive}`);
    return 0;
  }
  const missing = cannotBuild();
  if (missing) {
    // Without the images the real-node tests skip, saying why; CI must run them.
    console.error(`node-images: ${process.env.CI === 'true' ? 'cannot build' : 'skipped'}: ${missing}`);
    return process.env.CI === 'true' ? 1 : 0;
  }
  build(key, corednsBinary());
  return 0;
}

/** Why the images cannot be built here, or undefined. */
function cannotBuild() {
  if (process.getuid?.() !== 0) return 'building images needs root (debootstrap, chown)';
  const tools = ['debootstrap', 'gcc', 'strip', 'tar', 'sha256sum'];
  const absent = tools.filter((t) => !(process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, t))));
  return absent.length > 0 ? `${absent.join(', ')} not found (apt-get install debootstrap gcc libc6-dev binutils)` : undefined;
}

process.exitCode = main(process.argv.slice(2));
