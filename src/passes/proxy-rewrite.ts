import { isMap, parseAllDocuments } from 'yaml';
import { dnsLabel } from '../emit/names.js';
import { SID_LABEL } from '../emit/system-labels.js';
import { Codes } from '../frontend/codes.js';
import type { Route, Service, System } from '../model/system.js';
import type { Pass, PassContext } from './pass.js';
import { asDirectory, renderTemplate, type TemplateVars } from './proxy-template.js';

/** The template of the Ambassador Mapping annotation; `--templates DIR` may hold a replacement. */
export const AMBASSADOR_TEMPLATE = 'ambassador-mapping.yaml.hbs';

/** The annotation Ambassador (Emissary-ingress) reads Mappings from. */
export const AMBASSADOR_ANNOTATION = 'getambassador.io/config';

/** URL path characters a prefix may hold unescaped in a Mapping, an Ingress regex and an HTTPRoute. */
const PATH = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * Serves each service marked `x-tycho.proxy_rewrite` under a per-system public prefix (the
 * policy's `proxy.prefix` template, or the service's own), rewritten to what the app expects:
 * an Ambassador Mapping annotation rendered from a template, or a route for emit to build.
 */
export function proxyRewritePass(): Pass {
  return {
    name: 'proxy-rewrite',
    run: (system, ctx) => {
      const routes: Route[] = [];
      const annotations = new Map<string, string>();
      for (const svc of system.services) {
        const route = routeFor(system, svc, ctx, routes);
        if (!route) continue;
        routes.push(route);
        const mapping = route.via === 'ambassador' ? ambassadorMapping(system, svc, route, ctx) : undefined;
        if (mapping !== undefined) annotations.set(svc.name, mapping);
      }
      if (routes.length === 0) return system;
      const services = system.services.map((svc) => {
        const mapping = annotations.get(svc.name);
        return mapping === undefined ? svc : { ...svc, serviceAnnotations: { ...svc.serviceAnnotations, [AMBASSADOR_ANNOTATION]: mapping } };
      });
      return { ...system, services, routes };
    },
  };
}

function routeFor(system: System, svc: Service, ctx: PassContext, earlier: readonly Route[]): Route | undefined {
  const setting = svc.settings.proxyRewrite;
  if (!setting) return undefined;
  const where = `service \`${svc.name}\``;
  // Published ports first: `expose` ports were meant for other services.
  const tcp = svc.ports.filter((p) => p.protocol === 'TCP');
  const port = (tcp.find((p) => !p.exposedOnly) ?? tcp[0])?.target;
  if (port === undefined) {
    ctx.warn(Codes.ineffectiveSetting, `${where} asks for proxy_rewrite but has no TCP port in ports or expose; nothing is routed to it`, setting.pos);
    return undefined;
  }
  const rendered = renderTemplate(setting.value.prefix ?? ctx.policy.proxy.prefix, templateVars(system, svc, ctx));
  if ('error' in rendered) {
    ctx.error(Codes.invalidValue, `the proxy prefix template of ${where} is invalid: ${rendered.error}`, setting.pos);
    return undefined;
  }
  const prefix = asDirectory(rendered.text);
  const rewrite = asDirectory(setting.value.rewrite);
  for (const [what, path] of [['prefix', prefix], ['rewrite', rewrite]] as const) {
    if (!PATH.test(path)) {
      ctx.error(Codes.invalidValue, `the proxy ${what} of ${where}, ${JSON.stringify(path)}, is not a URL path of letters, digits and . _ ~ - /`, setting.pos);
      return undefined;
    }
  }
  const clash = earlier.find((r) => r.prefix === prefix);
  if (clash) {
    ctx.error(Codes.invalidValue, `${where} would be served under ${prefix} like service \`${clash.service}\`; give one its own x-tycho.proxy_rewrite.prefix (e.g. with {{service}})`, setting.pos);
    return undefined;
  }
  const via = ctx.policy.proxy.output;
  const gateway = via === 'httproute' ? gatewayRef(ctx.policy.proxy.gateway) : undefined;
  if (via === 'httproute' && !gateway) {
    ctx.warn(Codes.ineffectiveSetting, `the HTTPRoute of ${where} attaches to no Gateway; set proxy.gateway in the policy`, setting.pos);
  }
  return { service: svc.name, port, prefix, rewrite, via, ...(gateway ? { gateway } : {}), pos: setting.pos };
}

/** The Mapping annotation text, checked to be YAML so a broken override fails the compile, not Ambassador. */
function ambassadorMapping(system: System, svc: Service, route: Route, ctx: PassContext): string | undefined {
  const template = ctx.options.templates?.get(AMBASSADOR_TEMPLATE);
  const where = `template ${AMBASSADOR_TEMPLATE} (for service \`${svc.name}\`)`;
  if (template === undefined) {
    ctx.error(Codes.invalidValue, `${where} is missing`, route.pos);
    return undefined;
  }
  const rendered = renderTemplate(template, { ...templateVars(system, svc, ctx), port: route.port, prefix: route.prefix, rewrite: route.rewrite });
  if ('error' in rendered) {
    ctx.error(Codes.invalidValue, `${where} is invalid: ${rendered.error}`, route.pos);
    return undefined;
  }
  const docs = parseAllDocuments(rendered.text);
  const problem = docs.flatMap((d) => d.errors.map((e) => e.message.split('\n')[0]!))[0]
    ?? (docs.length === 0 || !docs.every((d) => isMap(d.contents)) ? 'each document must be a mapping' : undefined);
  if (problem !== undefined) {
    ctx.error(Codes.invalidValue, `${where} does not render to Mapping YAML: ${problem}`, route.pos);
    return undefined;
  }
  return rendered.text;
}

/** What templates see: the system's identity and the service's Kubernetes name. */
function templateVars(system: System, svc: Service, ctx: PassContext): TemplateVars {
  return {
    app: system.name,
    username: system.labels['username'] ?? '',
    sid: system.labels[SID_LABEL] ?? '',
    service: dnsLabel(svc.name, true),
    namespace: ctx.options.namespace ?? '',
  };
}

function gatewayRef(value: string | undefined): Route['gateway'] {
  if (!value) return undefined;
  const [first, second] = value.split('/');
  return second === undefined ? { name: first! } : { name: second, namespace: first! };
}
