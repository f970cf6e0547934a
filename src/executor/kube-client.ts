import http from 'node:http';
import https from 'node:https';
import { ApiError, ClusterError } from './errors.js';

/** Fills in TLS material and credentials for one request (from the kubeconfig); sets `agent` only for a proxy. */
export type Authorize = (options: https.RequestOptions) => Promise<void>;

/** One API request; objects are sent as JSON, strings as they are. */
export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** A JSON object as the API server returns it. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Who set which fields, as server-side apply records it. */
    managedFields?: { manager?: string; operation?: string; subresource?: string; fieldsV1?: unknown }[];
  };
} & Record<string, any>;


/**
 * A minimal Kubernetes API client over node:https. Bodies go to the server exactly as given: the
 * typed clients of @kubernetes/client-node drop fields they do not know, which would hide typos.
 */
export class KubeClient {
  private readonly agent: http.Agent;

  constructor(
    /** The API server's base URL (may carry a path prefix behind a proxy). */
    readonly server: string,
    private readonly authorize: Authorize,
    /** How long one request may take (--request-timeout). */
    private readonly timeoutMs: number,
  ) {
    const secure = server.startsWith('https:');
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** Sends a request and returns the parsed body; an error status becomes an ApiError. */
  async request<T = any>(req: KubeRequest): Promise<{ status: number; body: T }> {
    const { url, options, payload } = await this.prepare(req);
    let response;
    try {
      response = await this.send(url, options, payload);
    } catch (e) {
      // A kept-alive connection the server has just closed: a GET is safe to send again.
      const code = ((e as ClusterError).cause as { code?: string } | undefined)?.code;
      if (req.method !== 'GET' || code !== 'ECONNRESET') throw e;
      response = await this.send(url, options, payload);
    }
    const { status, text, json } = response;
    if (status >= 200 && status < 300) return { status, body: json as T };
    throw this.failure(req, url, status, text, json);
  }

  /**
   * A GET whose text is passed on as it arrives (a followed log), until the server ends it or
   * `signal` is aborted; the request timeout bounds only the wait for the answer to start.
   */
  async stream(req: KubeRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<void> {
    const { url, options } = await this.prepare(req);
    const transport = url.protocol === 'https:' ? https : http;
    await new Promise<void>((resolve, reject) => {
      const request = transport.request({ ...options, headers: { ...options.headers, accept: '*/*' } }, (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        res.setEncoding('utf8');
        res.on('data', (text: string) => (status === 200 ? onText(text) : chunks.push(Buffer.from(text))));
        res.on('error', (e) => (signal?.aborted ? resolve() : reject(unreachable(this.server, e))));
        res.on('end', () => {
          if (status === 200) return resolve();
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          reject(this.failure(req, url, status, text, json));
        });
      });
      const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })), this.timeoutMs);
      const stop = () => request.destroy();
      signal?.addEventListener('abort', stop, { once: true });
      request.on('close', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        if (signal?.aborted) resolve();
      });
      request.on('error', (e) => (signal?.aborted ? resolve() : reject(unreachable(this.server, e))));
      request.end();
    });
  }

  private async prepare(req: KubeRequest): Promise<{ url: URL; options: https.RequestOptions; payload: string | undefined }> {
    const url = new URL(this.server.replace(/\/+$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const options: https.RequestOptions = {
      method: req.method,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      path: url.pathname + url.search,
      headers: { accept: 'application/json', 'user-agent': 'tychoc' },
    };
    try {
      await this.authorize(options);
    } catch (e) {
      throw new ClusterError('config', `cannot get credentials from the kubeconfig: ${(e as Error).message}`, { cause: e });
    }
    options.agent ??= this.agent; // the kubeconfig's own agent when it goes through a proxy
    if (payload !== undefined) {
      options.headers = { ...options.headers, 'content-type': req.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) };
    }
    return { url, options, payload };
  }

  /** The error for an error status: the server's own message. */
  private failure(req: KubeRequest, url: URL, status: number, text: string, json: any): ClusterError {
    if (status === 400 && url.protocol === 'http:' && /HTTP request to an HTTPS server/i.test(text)) {
      return new ClusterError('unreachable', `${this.server} answers only HTTPS; the kubeconfig's server should be https://${url.host}`);
    }
    let message = typeof json?.message === 'string' ? json.message : text.trim().slice(0, 300) || `HTTP ${status}`;
    if (status === 401) message += " (the cluster does not accept the kubeconfig's credentials)";
    return new ApiError(status, json?.reason, message, `${req.method} ${url.pathname}`);
  }

  /** GET that returns undefined for 404 instead of throwing. */
  async getOrUndefined<T = KubeObject>(path: string): Promise<T | undefined> {
    try {
      return (await this.request<T>({ method: 'GET', path })).body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Closes idle keep-alive connections so that the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  private send(url: URL, options: https.RequestOptions, payload: string | undefined): Promise<{ status: number; text: string; json: any }> {
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(unreachable(this.server, e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      });
      // A deadline for the whole exchange, not only for a silence: a frozen server trickles nothing.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })), this.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (e) => reject(unreachable(this.server, e)));
      req.end(payload);
    });
  }
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

function unreachable(server: string, e: Error & { code?: string }): ClusterError {
  const why = (e.code && REASONS[e.code]) ?? (e.code?.includes('CERT') || e.code?.includes('SIGNATURE') ? `TLS: ${e.message}` : e.message);
  return new ClusterError('unreachable', `cannot reach the API server at ${server}: ${why}`, { cause: e });
}
