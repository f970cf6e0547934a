import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClusterError } from './errors.js';
import type { Authorize } from './kube-client.js';

/** A kubeconfig `cluster:` entry (the fields tychoc reads itself). */
export interface ClusterEntry {
  readonly server?: string;
  readonly 'certificate-authority'?: string;
  readonly 'certificate-authority-data'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'tls-server-name'?: string;
  readonly 'proxy-url'?: string;
}

/** A kubeconfig `user:` entry. */
export interface UserEntry {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly 'client-certificate'?: string;
  readonly 'client-certificate-data'?: string;
  readonly 'client-key'?: string;
  readonly 'client-key-data'?: string;
  readonly username?: string;
  readonly password?: string;
  readonly exec?: unknown;
  readonly as?: string;
  readonly 'as-uid'?: string;
  readonly 'as-groups'?: readonly string[];
  readonly 'as-user-extra'?: unknown;
  readonly 'auth-provider'?: unknown;
}

/** An entry and the directory its relative paths are relative to (its kubeconfig file's). */
export interface Located<T> {
  readonly value: T;
  readonly dir: string;
}

/**
 * TLS material and credentials that a kubeconfig spells out: CA, client certificate and key,
 * bearer token (a token file is read again for every request, as tokens rotate in pods), or basic
 * auth. `*-data` fields win over the files they stand in for, as in kubectl.
 */
export function staticCredentials(cluster: Located<ClusterEntry>, user: Located<UserEntry> | undefined): Authorize {
  const c = cluster.value;
  const u = user?.value ?? {};
  const ca = pem('certificate-authority', c['certificate-authority-data'], c['certificate-authority'], cluster.dir);
  const cert = pem('client-certificate', u['client-certificate-data'], u['client-certificate'], user?.dir ?? '');
  const key = pem('client-key', u['client-key-data'], u['client-key'], user?.dir ?? '');
  const tokenFile = u.tokenFile !== undefined ? resolve(user!.dir, u.tokenFile) : undefined;
  const basic = u.username !== undefined ? `Basic ${Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')}` : undefined;
  const authorization = (): string | undefined => {
    // As in client-go, a token file's current content wins over a token.
    if (tokenFile) return `Bearer ${read('tokenFile', tokenFile).toString('utf8').trim()}`;
    if (u.token) return `Bearer ${u.token}`;
    return basic;
  };
  return async (options) => {
    if (ca) options.ca = ca;
    if (cert) options.cert = cert;
    if (key) options.key = key;
    if (c['insecure-skip-tls-verify']) options.rejectUnauthorized = false;
    if (c['tls-server-name']) options.servername = c['tls-server-name'];
    const auth = authorization();
    if (auth) options.headers = { ...options.headers, authorization: auth };
  };
}

function pem(field: string, data: string | undefined, file: string | undefined, dir: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  return file ? read(field, resolve(dir, file)) : undefined;
}

function read(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ClusterError('config', `cannot read the kubeconfig's ${field} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}
