import { ApiObject, Construct, k8s } from './cdk8s.js';

export interface PathRouteProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `Ingress` (for ingress-nginx) or a Gateway API `HTTPRoute`. */
  readonly kind: 'Ingress' | 'HTTPRoute';
  /** The public path prefix, starting and ending with `/`. */
  readonly prefix: string;
  /** What replaces the prefix before the request reaches the Service, starting and ending with `/`. */
  readonly rewrite: string;
  /** The Service and port requests go to. */
  readonly service: string;
  readonly port: number;
  /** HTTPRoute only: the Gateway it attaches to; none by default (the route then serves nothing). */
  readonly gateway?: { readonly name: string; readonly namespace?: string };
}

/** A path prefix routed to a Service, with the prefix rewritten on the way in. */
export class PathRoute extends Construct {
  constructor(scope: Construct, id: string, props: PathRouteProps) {
    super(scope, id);
    const metadata = { name: props.name, labels: { ...props.labels } };
    if (props.kind === 'Ingress') {
      const { path, rewriteTarget } = nginxRewrite(props.prefix, props.rewrite);
      new k8s.KubeIngress(this, 'Resource', {
        metadata: { ...metadata, annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': rewriteTarget } },
        spec: {
          rules: [{
            http: {
              paths: [{ path, pathType: 'ImplementationSpecific', backend: { service: { name: props.service, port: { number: props.port } } } }],
            },
          }],
        },
      });
      return;
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        ...(props.gateway ? { parentRefs: [{ name: props.gateway.name, ...(props.gateway.namespace ? { namespace: props.gateway.namespace } : {}) }] } : {}),
        rules: [{
          // PathPrefix matches whole segments, so `/a/b` matches `/a/b` and `/a/b/…` but not `/a/bc`.
          matches: [{ path: { type: 'PathPrefix', value: withoutSlash(props.prefix) } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: withoutSlash(props.rewrite) } } }],
          backendRefs: [{ name: props.service, port: props.port }],
        }],
      },
    });
  }
}

/**
 * ingress-nginx's documented rewrite: a regex path capturing the rest after the prefix, and a
 * `rewrite-target` that puts it after the new prefix (`/p(/|$)(.*)` → `/$2`).
 */
function nginxRewrite(prefix: string, rewrite: string): { path: string; rewriteTarget: string } {
  const base = withoutSlash(prefix).replaceAll('.', '\\.');
  if (base === '/') return { path: '/(.*)', rewriteTarget: `${rewrite}$1` };
  return { path: `${base}(/|$)(.*)`, rewriteTarget: `${rewrite}$2` };
}

/** `/a/b/` → `/a/b`; `/` stays. */
function withoutSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}
