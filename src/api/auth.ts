import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { packagePath } from '../package-path.js';
import type { Kube } from '../executor/systems.js';
import { ApiProblem } from './envelope.js';

/** Who is calling: a user sees and changes only its own systems, an admin every system. */
export interface Caller {
  readonly username: string;
  readonly role: 'admin' | 'user';
}

/** Turns a request's bearer token into a caller, or refuses it (401). */
export type Authenticate = (token: string) => Promise<Caller>;

interface TokenEntry extends Caller {
  readonly token: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Tokens from a file (YAML or JSON: a list of {token, username, role}). Every entry is compared,
 * in constant time over digests of equal length, so that the time taken says nothing about how
 * much of a token was right, or which entry it was closest to.
 */
export function tokenFile(path: string): Authenticate {
  let entries: TokenEntry[];
  try {
    entries = parse(readFileSync(path, 'utf8')) as TokenEntry[];
  } catch (e) {
    throw new Error(`cannot read the token file ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const validate = new Ajv({ allErrors: false }).compile(JSON.parse(readFileSync(packagePath('schemas', 'api', 'tokens.json'), 'utf8')));
  if (!validate(entries)) {
    const e = validate.errors![0]!;
    throw new Error(`the token file ${path} is invalid: ${e.instancePath || 'the top level'} ${e.message}`);
  }
  const known = entries.map((e) => ({ digest: digest(e.token), caller: { username: e.username, role: e.role } as Caller }));
  return async (token) => {
    const given = digest(token);
    let found: Caller | undefined;
    for (const k of known) if (timingSafeEqual(given, k.digest)) found = k.caller;
    if (!found) throw new ApiProblem(401, 'the bearer token is not known');
    return found;
  };
}

/**
 * Tokens the cluster vouches for (a TokenReview): service account tokens and whatever the API
 * server's authenticators accept. Members of `adminGroup` are admins.
 */
export function tokenReview(kube: Kube, adminGroup: string): Authenticate {
  return async (token) => {
    const { body: review } = await kube.client.request<{ status?: { authenticated?: boolean; user?: { username?: string; groups?: string[] }; error?: string } }>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const user = review.status?.user;
    if (!review.status?.authenticated || !user?.username) throw new ApiProblem(401, 'the cluster does not accept the bearer token');
    return { username: user.username, role: user.groups?.includes(adminGroup) ? 'admin' : 'user' };
  };
}
