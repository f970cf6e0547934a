// Bundles the CLI's main path (src/cli/main.ts and everything it loads, cdk8s, yaml and commander
// included) into one CommonJS file, dist/bundle/tychoc.cjs, which the package's bin runs
// (src/cli/launcher.cts). One file instead of ~180 modules, and one file a V8 code cache covers.
// Packages only some commands need stay outside and load when used: the Kubernetes client and
// Fastify (cluster and API commands), Handlebars (proxy templates), ajv's 2020 build (policy,
// registry and topology files). The bundle ends with its SHA-256, which keys the code cache.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
// cdk8s carries its own copy of yaml; one copy in the bundle is enough when they are the same.
const require = createRequire(import.meta.url);
const yamlVersion = (from) => require(createRequire(from).resolve('yaml/package.json')).version;
const oneYaml = {
  name: 'one-yaml',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => {
      if (yamlVersion(args.importer) !== yamlVersion(`${root}package.json`)) return undefined;
      return { path: require.resolve('yaml', { paths: [root] }) };
    });
  },
};

// commander (for executable subcommands) and cdk8s's yaml module (to fetch YAML by URL) require
// child_process, and with it net and stream (~3.5 ms), at load; tychoc uses neither feature, so
// they get the module on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/\/node_modules\/(commander|cdk8s)\//.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [`${root}src/cli/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  outfile: `${root}dist/bundle/tychoc.cjs`,
  external: ['@kubernetes/client-node', 'fastify', '@fastify/*', 'handlebars', 'ajv', 'ajv/*'],
  // Loaded with require(): vm.Script has no loader for import() without an experimental flag.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [oneYaml, lazyChildProcess],
  legalComments: 'eof',
  // A third less to read and hash; names stay, so an internal error's stack still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
// esbuild escapes non-ASCII in strings and names but not in regular expressions or comments;
// escaped there too, the file is ASCII and the launcher decodes it as Latin-1, 3-5 ms sooner
// than as UTF-8.
const code = result.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const hash = createHash('sha256').update(code).digest('hex');
mkdirSync(`${root}dist/bundle`, { recursive: true });
writeFileSync(`${root}dist/bundle/tychoc.cjs`, `${code}// tychoc-bundle-sha256 ${hash}\n`);
