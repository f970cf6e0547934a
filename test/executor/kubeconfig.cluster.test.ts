import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { useCluster } from './cluster-fixture.js';

// kubeconfig files as users have them, against the real API server: each kind of credential and
// TLS setting tychoc reads itself, the plugins it leaves to the client library, kubectl's merge rules.

const c = useCluster();
const dir = mkdtempSync(join(tmpdir(), 'tychoc-kubeconfig-'));

/** Writes a kubeconfig of one context `x` (cluster `c`, user `u`) into `dir`; returns its path. */
function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: c.cluster.server, ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
    ...extra,
  };
  writeFileSync(file, stringify(config));
  return file;
}

/** `tychoc status` with only this kubeconfig: exit 0 and an empty list means the server took the credentials. */
const status = (file: string) => runCli(['status', '-o', 'json', '--kubeconfig', file], dir, {});
const base64 = (path: string) => readFileSync(path).toString('base64');

describe('kubeconfig credentials', () => {
  beforeAll(() => {
    // A client certificate in group system:masters, signed by the cluster's client CA.
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=system:masters/CN=cert-user');
    writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', 'client.csr', '-CA', join(c.cluster.dir, 'ca.crt'), '-CAkey', join(c.cluster.dir, 'ca.key'), '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'client.crt');
    writeFileSync(join(dir, 'token'), `${c.cluster.token}\n`);
  });

  it('a client certificate and key, as files relative to the kubeconfig and as data', async () => {
    const files = kubeconfig('cert-files.yaml', { 'certificate-authority': c.cluster.caFile }, { 'client-certificate': 'client.crt', 'client-key': 'client.key' });
    expect(await status(files)).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    const data = kubeconfig(
      'cert-data.yaml',
      { 'certificate-authority-data': base64(c.cluster.caFile) },
      { 'client-certificate-data': base64(join(dir, 'client.crt')), 'client-key-data': base64(join(dir, 'client.key')) },
    );
    expect(await status(data)).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('a token file, relative to the kubeconfig, wins over a token', async () => {
    const file = kubeconfig('token-file.yaml', { 'certificate-authority': c.cluster.caFile }, { tokenFile: 'token', token: 'not-the-token' });
    expect(await status(file)).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('an exec plugin, run through the client library', async () => {
    const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: c.cluster.token } };
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', `console.log(${JSON.stringify(JSON.stringify(credential))})`], interactiveMode: 'Never' };
    const file = kubeconfig('exec.yaml', { 'certificate-authority': c.cluster.caFile }, { exec });
    expect(await status(file)).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('TLS: the server certificate is checked against the CA, unless told not to; tls-server-name is the name checked', async () => {
    const token = { token: c.cluster.token };
    const noCa = await status(kubeconfig('no-ca.yaml', {}, token));
    expect(noCa.code).toBe(3);
    expect(noCa.stderr).toMatch(/^tychoc: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: TLS: /);
    expect(await status(kubeconfig('insecure.yaml', { 'insecure-skip-tls-verify': true }, token))).toMatchObject({ code: 0, stdout: '[]\n' });
    const ca = { 'certificate-authority': c.cluster.caFile };
    expect(await status(kubeconfig('server-name.yaml', { ...ca, 'tls-server-name': 'localhost' }, token))).toMatchObject({ code: 0 });
    const wrong = await status(kubeconfig('wrong-name.yaml', { ...ca, 'tls-server-name': 'elsewhere.example' }, token));
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('TLS: ');
  });

  it('KUBECONFIG files merge as in kubectl: the first file to name a cluster, user or current context wins', async () => {
    const first = kubeconfig('first.yaml', { 'certificate-authority': c.cluster.caFile }, { token: c.cluster.token });
    const second = kubeconfig('second.yaml', { 'insecure-skip-tls-verify': true }, { token: 'wrong' }, {
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      'current-context': 'y',
      contexts: [{ name: 'y', context: { cluster: 'c', user: 'u', namespace: 'nowhere' } }],
    });
    const run = await runCli(['status', '-o', 'json'], dir, { KUBECONFIG: `${first}:${second}` });
    expect(run).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('a missing certificate file or a malformed kubeconfig is a configuration error (exit 3) naming the file', async () => {
    const missing = await status(kubeconfig('missing-cert.yaml', { 'certificate-authority': 'nope.crt' }, {}));
    expect(missing).toMatchObject({ code: 3, stderr: `tychoc: cannot read the kubeconfig's certificate-authority ${join(dir, 'nope.crt')}: ENOENT\n` });
    writeFileSync(join(dir, 'malformed.yaml'), 'clusters: {c: 1}\n');
    const malformed = await status(join(dir, 'malformed.yaml'));
    expect(malformed).toMatchObject({ code: 3, stderr: `tychoc: cannot read kubeconfig ${join(dir, 'malformed.yaml')}: \`clusters\` must be a list of {name, cluster} entries\n` });
    writeFileSync(join(dir, 'no-server.yaml'), stringify({ contexts: [{ name: 'x', context: { cluster: 'gone' } }], 'current-context': 'x' }));
    expect(await status(join(dir, 'no-server.yaml'))).toMatchObject({ code: 3, stderr: 'tychoc: context `x` names no cluster with a server the kubeconfig defines\n' });
    const impersonating = await status(kubeconfig('as.yaml', { 'certificate-authority': c.cluster.caFile }, { token: c.cluster.token, as: 'someone-else' }));
    expect(impersonating).toMatchObject({ code: 3, stdout: '', stderr: 'tychoc: user `u` impersonates (`as`), which tychoc does not support\n' });
  });

  it('an http:// server that answers only HTTPS cannot be reached (exit 3), and says so', async () => {
    const http = c.cluster.server.replace(/^https:/, 'http:');
    const run = await status(kubeconfig('http.yaml', { server: http }, { token: c.cluster.token }));
    expect(run).toMatchObject({ code: 3, stdout: '', stderr: `tychoc: ${http} answers only HTTPS; the kubeconfig's server should be ${c.cluster.server}\n` });
  });
});
