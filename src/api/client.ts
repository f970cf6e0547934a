import type { DefinedService, Deleted, Envelope, Modified, ModifyRequest, Scaled, ServiceDefinition, ServiceStatus, StartRequest, SystemView, Touched } from './types.js';

/** A failed call: the HTTP status and the server's envelope (`result.diagnostics` for a compose file that does not compile). */
export class TychoApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly result: unknown,
  ) {
    super(message);
    this.name = 'TychoApiError';
  }
}

/**
 * A typed client of `tychoc serve`, over the REST spellings of Tycho's routes. It runs wherever
 * `fetch` does (Node 20, browsers).
 */
export class TychoClient {
  constructor(
    /** The server's base URL, e.g. http://tychoc.apps.svc:7051. */
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Compiles and starts a compose file as a new system. */
  start(request: StartRequest): Promise<SystemView> {
    return this.call('POST', '/systems', request);
  }

  /** The systems the caller may see (an admin: every one, or one user's). */
  status(filter: { username?: string } = {}): Promise<SystemView[]> {
    return this.call('GET', `/systems${filter.username ? `?username=${encodeURIComponent(filter.username)}` : ''}`);
  }

  /** One system. */
  system(sid: string): Promise<SystemView> {
    return this.call('GET', `/systems/${encodeURIComponent(sid)}`);
  }

  /** Changes labels, CPU and memory, or replicas of one service or all. */
  modify(sid: string, changes: ModifyRequest): Promise<Modified> {
    return this.call('PATCH', `/systems/${encodeURIComponent(sid)}`, changes);
  }

  /** Deletes a system, its volume claims too with `volumes`. */
  delete(sid: string, opts: { volumes?: boolean } = {}): Promise<Deleted> {
    return this.call('DELETE', `/systems/${encodeURIComponent(sid)}${opts.volumes ? '?volumes=true' : ''}`);
  }

  /** Marks a system as in use now: its idle time, which the server's reaper limits, starts again. */
  touch(sid: string): Promise<Touched> {
    return this.call('POST', `/systems/${encodeURIComponent(sid)}/touch`);
  }

  /** The service definitions the caller may see. */
  services(): Promise<DefinedService[]> {
    return this.call('GET', '/service');
  }

  /** One service definition. */
  service(name: string): Promise<DefinedService> {
    return this.call('GET', `/service/${encodeURIComponent(name)}`);
  }

  /** Defines a service and runs it; nothing is written if it does not compile. */
  define(definition: ServiceDefinition): Promise<DefinedService> {
    return this.call('POST', '/service', definition);
  }

  /** Replaces a definition; it keeps the replicas it is scaled to. */
  redefine(definition: ServiceDefinition): Promise<DefinedService> {
    return this.call('PUT', `/service/${encodeURIComponent(definition.name)}`, definition);
  }

  /** Deletes a definition and everything it runs. */
  undefine(name: string): Promise<Deleted> {
    return this.call('DELETE', `/service/${encodeURIComponent(name)}`);
  }

  /** Exactly `replicas` of a definition's workload. */
  scale(name: string, replicas: number): Promise<Scaled> {
    return this.call('POST', `/service/${encodeURIComponent(name)}/scale`, { number: replicas });
  }

  /** How many of a definition's replicas run. */
  serviceStatus(name: string): Promise<ServiceStatus> {
    return this.call('GET', `/service/${encodeURIComponent(name)}/status`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchImpl(new URL(path, this.baseUrl), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    let envelope: Envelope<T>;
    try {
      envelope = (await res.json()) as Envelope<T>;
    } catch {
      throw new TychoApiError(res.status, `${method} ${path}: HTTP ${res.status} without a JSON answer`, undefined);
    }
    if (!res.ok || envelope.status !== 'success') throw new TychoApiError(res.status, envelope.message || `HTTP ${res.status}`, envelope.result);
    return envelope.result;
  }
}
