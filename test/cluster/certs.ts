import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the PEM files a test cluster needs. */
export interface ClusterCerts {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Private key the apiserver signs service-account tokens with (and the controller-manager too). */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Client certificate (system:masters) the apiserver presents to kubelets, for logs and exec. */
  readonly kubeletClientCert: string;
  readonly kubeletClientKey: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('openssl is not installed (or not on PATH); the cluster harness needs it to create certificates (apt-get install openssl)');
    }
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

// P-256 keys: generated instantly, and accepted for TLS and service-account tokens (ES256).
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const days = ['-days', '30'];

/** Signs a new key's certificate `name`.crt with the CA in `dir`, with the given subject and extensions. */
async function sign(dir: string, name: string, subject: string, extensions: readonly string[]): Promise<void> {
  await openssl(['req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', ...extensions].join('\n') + '\n');
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, ...days, '-extfile', `${name}.ext`],
    dir,
  );
}

/**
 * Creates in `dir` a CA, an apiserver serving certificate for 127.0.0.1, localhost and `addresses`,
 * the apiserver's client certificate for kubelets, and a service-account key pair.
 */
export async function generateCerts(dir: string, addresses: readonly string[] = []): Promise<ClusterCerts> {
  const f = (name: string): string => join(dir, name);
  await openssl(
    ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', ...days, '-subj', '/CN=tychoc-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  // 10.96.0.1 is the first address of --service-cluster-ip-range, the in-cluster "kubernetes" service.
  const sans = ['IP:127.0.0.1', 'IP:10.96.0.1', ...addresses.map((a) => `IP:${a}`), 'DNS:localhost', 'DNS:kubernetes',
    'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'];
  await sign(dir, 'apiserver', '/CN=kube-apiserver', [`subjectAltName=${sans.join(',')}`, 'extendedKeyUsage=serverAuth']);
  await sign(dir, 'kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', ['extendedKeyUsage=clientAuth']);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key'], dir);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    serverCert: f('apiserver.crt'),
    serverKey: f('apiserver.key'),
    serviceAccountKey: f('sa.key'),
    serviceAccountPub: f('sa.pub'),
    kubeletClientCert: f('kubelet-client.crt'),
    kubeletClientKey: f('kubelet-client.key'),
  };
}
