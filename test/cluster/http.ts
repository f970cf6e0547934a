import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';

/** Where and how to reach a kube-apiserver: base URL, bearer token and CA certificate file. */
export interface ApiEndpoint {
  readonly server: string;
  readonly token: string;
  readonly caFile: string;
}

/** A response from the API server; `body` is parsed JSON when the server sent JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly body: any;
  readonly text: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Extra settings for one request. */
export interface RequestOptions {
  /** Content type of the body; defaults to application/json (or merge-patch for PATCH). */
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

/** A minimal HTTPS client for the Kubernetes API that authenticates with a bearer token and trusts only the cluster CA. */
export class KubeHttp {
  private readonly ca: Buffer;

  constructor(private readonly endpoint: ApiEndpoint) {
    this.ca = readFileSync(endpoint.caFile);
  }

  /** Sends one request; objects are sent as JSON, strings as they are. Never throws for HTTP error statuses. */
  request(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const contentType =
      options.contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.endpoint.token}`,
      accept: 'application/json',
    };
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        // agent: false — no pooled keep-alive sockets that outlive the cluster.
        { method, hostname: url.hostname, port: url.port, path: url.pathname + url.search, ca: this.ca, headers, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = undefined;
            if ((res.headers['content-type'] ?? '').includes('json')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                // leave body undefined; text still has it
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
          });
        },
      );
      req.setTimeout(options.timeoutMs ?? 15000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** GET returning the parsed body; throws on any non-2xx status. */
  async get(path: string): Promise<any> {
    return ok(await this.request('GET', path), 'GET', path);
  }

  /** POST (create) returning the parsed body; throws on any non-2xx status. */
  async create(path: string, object: unknown): Promise<any> {
    return ok(await this.request('POST', path, object), 'POST', path);
  }

  /** DELETE returning the parsed body; throws on any non-2xx status except 404 when `allowMissing`. */
  async delete(path: string, allowMissing = false): Promise<any> {
    const res = await this.request('DELETE', path);
    if (allowMissing && res.status === 404) return undefined;
    return ok(res, 'DELETE', path);
  }
}

function ok(res: ApiResponse, method: string, path: string): any {
  if (res.status >= 200 && res.status < 300) return res.body;
  const message = typeof res.body?.message === 'string' ? res.body.message : res.text.slice(0, 500);
  throw new Error(`${method} ${path}: HTTP ${res.status}: ${message}`);
}
