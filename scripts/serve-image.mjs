#!/usr/bin/env node
// Builds the image deploy/serve/compose.yaml runs, `tychoc serve`, from the built checkout: no
// registry is reachable, so it is an OCI archive that `ctr images import` takes, beside the test
// images but apart from them (it changes with every source change, they seldom do). Three layers,
// each cached by what makes it: Debian trixie with nodejs (its package list), the production
// dependencies (the lock file), and the packed package (`npm pack`), the one a source change remakes.
//
//   node scripts/serve-image.mjs   build what is missing (the Debian layer needs root and debootstrap),
//                                  then print "reference", "digest" and "archive", tab-separated
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(process.env.TYCHOC_CACHE ?? join(homedir(), '.cache', 'tychoc'), 'images');

const SUITE = 'trixie';
const MIRROR = 'http://deb.debian.org/debian';
// Trixie's nodejs is 20.19, the oldest Node the package supports.
const DEBIAN_PACKAGES = ['nodejs'];
const TRIM = ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'];
const PREFIX = '/opt/tychoc';
// Debian's node reads ca-certificates' bundle as extra CAs unless told otherwise, and warns at every
// start when it is missing; the server trusts only the cluster's CA, which it is given.
const ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_EXTRA_CA_CERTS='];
const CONFIG = { Entrypoint: ['tychoc'], Env: ENV, User: '10001:10001', ExposedPorts: { '7051/tcp': {} } };
const REPOSITORY = 'tychoc.test/serve';

// Everything in the layers must be readable by the server's user, whatever the caller's umask.
process.umask(0o022);

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
const digestOf = (data) => createHash('sha256').update(data).digest('hex');
/** A cache key: the digest of `parts`, each ended by a NUL so that no two lists run together. */
const keyOf = (...parts) => digestOf(Buffer.concat(parts.flatMap((p) => [Buffer.from(p), Buffer.from('\0')]))).slice(0, 12);
/** A layer's file, digest and size. */
const layerOf = (file) => ({ digest: `sha256:${run('sha256sum', [file]).toString().split(' ')[0]}`, size: statSync(file).size, file });
const tarLayer = (root, tar, owners = []) => run('tar', ['--numeric-owner', ...owners, '--sort=name', '-C', root, '-cf', tar, '.']);
// What npm installed belongs to root, whoever ran it; the server's user only reads it.
const AS_ROOT = ['--owner=0', '--group=0'];
const DEBIAN_LAYER = `nodejs-${SUITE}-${keyOf(SUITE, ...DEBIAN_PACKAGES, ...TRIM)}`;
const log = (message) => console.error(`serve-image: ${message}`);
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)}s`;

/** A layer kept in the cache under `name`, built by `make(root)` into an empty root the first time. */
function cachedLayer(name, make, owners) {
  const dir = join(cache, name);
  const descriptor = join(dir, 'layer.json');
  if (existsSync(descriptor)) return { ...JSON.parse(readFileSync(descriptor, 'utf8')), file: join(dir, 'layer.tar') };
  rmSync(dir, { recursive: true, force: true });
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  try {
    make(root);
    tarLayer(root, join(dir, 'layer.tar'), owners);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const layer = layerOf(join(dir, 'layer.tar'));
  // Written last: its presence means the layer is complete.
  writeFileSync(descriptor, JSON.stringify({ digest: layer.digest, size: layer.size }));
  return layer;
}

/** debootstrap's minimal Debian with nodejs, checked to run Node. */
function debianLayer() {
  return cachedLayer(DEBIAN_LAYER, (root) => {
    const started = Date.now();
    const debs = join(cache, `debs-${SUITE}`);
    mkdirSync(debs, { recursive: true });
    run('nice', ['-n', '10', 'debootstrap', '--variant=minbase', `--cache-dir=${debs}`, `--include=${DEBIAN_PACKAGES.join(',')}`, SUITE, root, MIRROR], { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const p of TRIM) rmSync(join(root, p), { recursive: true, force: true });
    for (const d of readdirSync(join(root, 'dev'))) rmSync(join(root, 'dev', d), { recursive: true, force: true });
    // Anything Node prints here (a missing library, a warning) would be printed by every start of the server.
    const node = spawnSync('chroot', [root, 'node', '-e', 'process.stdout.write(process.version)'], { env: Object.fromEntries(ENV.map((e) => e.split('='))), encoding: 'utf8' });
    if (node.status !== 0 || node.stderr) throw new Error(`node in the Debian layer: exit ${node.status}: ${node.stderr || node.error?.message}`);
    log(`Debian ${SUITE} with Node ${node.stdout} built in ${seconds(started)}`);
  });
}

/** The lock file's production dependencies, in /opt/tychoc/node_modules; `manifest` is the packed package.json. */
function dependencyLayer(manifest) {
  const lock = readFileSync(join(checkout, 'package-lock.json'));
  const { dependencies, overrides } = JSON.parse(manifest);
  return cachedLayer(`node-modules-${keyOf(lock, JSON.stringify({ dependencies, overrides }))}`, (root) => {
    const started = Date.now();
    const home = join(root, PREFIX);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'package.json'), manifest);
    writeFileSync(join(home, 'package-lock.json'), lock);
    // Offline first: `npm ci` of the checkout has just fetched every one of them into npm's cache.
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: home, stdio: ['ignore', 'ignore', 'inherit'] });
    // The package's own layer brings its package.json.
    for (const f of ['package.json', 'package-lock.json']) rmSync(join(home, f));
    log(`production dependencies installed in ${seconds(started)}`);
  }, AS_ROOT);
}

/** The packed package in /opt/tychoc, and `tychoc` on the PATH. */
function packageLayer(work, tgz) {
  const root = join(work, 'layer');
  const home = join(root, PREFIX);
  mkdirSync(home, { recursive: true });
  run('tar', ['-xzf', tgz, '-C', home, '--strip-components=1']);
  const bin = join(PREFIX, JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')).bin.tychoc);
  // npm makes a package's bin executable when it installs it; this is that install.
  chmodSync(join(root, bin), 0o755);
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  symlinkSync(bin, join(root, 'usr/local/bin/tychoc'));
  const tar = join(work, 'package.tar');
  tarLayer(root, tar, AS_ROOT);
  return layerOf(tar);
}

/** Writes the image's OCI layout in `layout` (layers linked in, not copied) and returns the manifest's descriptor. */
function writeLayout(layout, layers, reference) {
  const blobs = join(layout, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (mediaType, data) => {
    const digest = digestOf(data);
    writeFileSync(join(blobs, digest), data);
    return { mediaType, digest: `sha256:${digest}`, size: data.length };
  };
  for (const l of layers) linkSync(l.file, join(blobs, l.digest.slice('sha256:'.length)));
  // An uncompressed layer's diff id is its digest.
  const config = put('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: CONFIG, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } })));
  const manifest = put('application/vnd.oci.image.manifest.v1+json', Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.digest, size: l.size })),
  })));
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const annotations = { 'io.containerd.image.name': reference, 'org.opencontainers.image.ref.name': reference.split(':').pop() };
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...manifest, annotations }] }));
  return manifest;
}

function main(args) {
  if (args.length > 0) {
    console.error('usage: node scripts/serve-image.mjs');
    return 2;
  }
  if (!existsSync(join(checkout, 'dist/src/cli/bin.js'))) {
    console.error('serve-image: the checkout is not built; run npm run build first');
    return 1;
  }
  const missing = existsSync(join(cache, DEBIAN_LAYER, 'layer.json')) ? undefined : cannotBuildDebian();
  if (missing) {
    // As with the test images: the real-node tests skip where they cannot run, except in CI.
    console.error(`serve-image: ${process.env.CI === 'true' ? 'cannot build' : 'skipped'}: ${missing}`);
    return process.env.CI === 'true' ? 1 : 0;
  }
  mkdirSync(cache, { recursive: true });
  const work = join(cache, `.serve-work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--loglevel=error', '--pack-destination', work], { cwd: checkout }).toString());
    const tgz = join(work, packed.filename);
    const debian = debianLayer();
    const dependencies = dependencyLayer(run('tar', ['-xzOf', tgz, 'package/package.json']).toString());
    const key = keyOf(readFileSync(fileURLToPath(import.meta.url)), debian.digest, dependencies.digest, readFileSync(tgz));
    const reference = `${REPOSITORY}:${key}`;
    const out = join(cache, `serve-${key}`);
    const index = join(out, 'image.json');
    if (!existsSync(index)) {
      const started = Date.now();
      const layers = [debian, dependencies, packageLayer(work, tgz)];
      const layout = join(work, 'oci');
      const manifest = writeLayout(layout, layers, reference);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      run('tar', ['-C', layout, '-cf', join(out, 'image.tar.tmp'), '.']);
      renameSync(join(out, 'image.tar.tmp'), join(out, 'image.tar'));
      // Written last: its presence means the archive is complete.
      writeFileSync(index, JSON.stringify({ reference, digest: manifest.digest }));
      log(`${reference} built in ${seconds(started)}`);
    }
    // Archives of earlier packages and dependency layers of earlier lock files are not used again.
    for (const name of readdirSync(cache)) {
      const stale = (/^serve-[0-9a-f]{12}$/.test(name) && name !== `serve-${key}`) || (/^node-modules-[0-9a-f]{12}$/.test(name) && join(cache, name) !== dirname(dependencies.file));
      if (stale) rmSync(join(cache, name), { recursive: true, force: true });
    }
    const { digest } = JSON.parse(readFileSync(index, 'utf8'));
    console.log(`reference\t${reference}\ndigest\t${digest}\narchive\t${join(out, 'image.tar')}`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Why the Debian layer cannot be built here, or undefined. */
function cannotBuildDebian() {
  if (process.getuid?.() !== 0) return 'debootstrap and chroot need root';
  const absent = ['debootstrap', 'chroot'].filter((t) => !(process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, t))));
  return absent.length > 0 ? `${absent.join(', ')} not found (apt-get install debootstrap)` : undefined;
}

process.exitCode = main(process.argv.slice(2));
