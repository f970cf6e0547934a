import { describe, expect, it } from 'vitest';
import { builtinTemplates } from '../../src/frontend/templates.js';
import type { PolicyOverrides } from '../../src/model/policy.js';
import type { System } from '../../src/model/system.js';
import { labelsPass } from '../../src/passes/labels.js';
import type { PassOptions } from '../../src/passes/pass.js';
import { AMBASSADOR_ANNOTATION, AMBASSADOR_TEMPLATE, proxyRewritePass } from '../../src/passes/proxy-rewrite.js';
import { renderTemplate } from '../../src/passes/proxy-template.js';
import { runPass, systemFrom } from './system-from.js';

const web = (setting: string, ports = '["80"]') => `services:\n  web:\n    image: x\n    ports: ${ports}\n    x-tycho:\n      proxy_rewrite: ${setting}\n`;

/** The labels pass first (the prefix uses the system id and user), then this pass. */
function proxy(compose: string, policy?: PolicyOverrides, options: PassOptions = {}): { system: System; messages: string[] } {
  const opts = { sid: 'abc123', username: 'jane', templates: builtinTemplates(), ...options };
  return runPass(proxyRewritePass(), runPass(labelsPass(), systemFrom(compose), policy, opts).system, policy, opts);
}

const withTemplate = (text: string) => ({ templates: new Map([[AMBASSADOR_TEMPLATE, text]]) });

describe('proxy-rewrite pass', () => {
  it('routes the policy prefix of the system to the first published TCP port, as an Ambassador Mapping', () => {
    const { system, messages } = proxy(web('true', '["9000/udp", {target: 81, published: "8081"}]').replace('ports:', 'expose: ["80"]\n    ports:'));
    expect(messages).toEqual([]);
    expect(system.routes).toEqual([{ service: 'web', port: 81, prefix: '/private/demo/jane/abc123/', rewrite: '/', via: 'ambassador', pos: expect.anything() }]);
    const mapping = system.services[0]!.serviceAnnotations![AMBASSADOR_ANNOTATION]!;
    expect(mapping).toContain('prefix: /private/demo/jane/abc123/\nrewrite: /\nservice: web:81\n');
    expect(mapping).toContain('name: web-abc123-mapping\n');
  });

  it('takes the service’s own prefix template, makes both paths directories and names the namespace', () => {
    const { system } = proxy(web('{prefix: "/x/{{service}}-{{sid}}", rewrite: /app}'), {}, { namespace: 'team' });
    expect(system.routes![0]).toMatchObject({ prefix: '/x/web-abc123/', rewrite: '/app/' });
    expect(system.services[0]!.serviceAnnotations![AMBASSADOR_ANNOTATION]).toContain('service: web.team:80\n');
  });

  it('leaves no double slash where the user is unknown', () => {
    expect(proxy(web('true'), {}, { username: undefined }).system.routes![0]!.prefix).toBe('/private/demo/abc123/');
  });

  it('records an Ingress or HTTPRoute route, with no annotation, when the policy asks for one', () => {
    const ingress = proxy(web('true'), { proxy: { output: 'ingress' } }).system;
    expect(ingress.routes![0]!.via).toBe('ingress');
    expect(ingress.services[0]!.serviceAnnotations).toBeUndefined();
    const route = proxy(web('true'), { proxy: { output: 'httproute', gateway: 'infra/public' } }).system.routes![0]!;
    expect(route).toMatchObject({ via: 'httproute', gateway: { name: 'public', namespace: 'infra' } });
    expect(proxy(web('true'), { proxy: { output: 'httproute', gateway: 'public' } }).system.routes![0]!.gateway).toEqual({ name: 'public' });
  });

  it('warns when an HTTP route has no gateway to attach to', () => {
    expect(proxy(web('true'), { proxy: { output: 'httproute' } }).messages).toEqual([
      'warning TYC0705 the HTTPRoute of service `web` attaches to no Gateway; set proxy.gateway in the policy',
    ]);
  });

  it('warns and routes nothing for a service without a TCP port', () => {
    const { system, messages } = proxy(web('true', '["53/udp"]'));
    expect(system.routes).toBeUndefined();
    expect(messages).toEqual(['warning TYC0705 service `web` asks for proxy_rewrite but has no TCP port in ports or expose; nothing is routed to it']);
  });

  it('refuses a prefix template that does not parse or renders outside URL path characters', () => {
    expect(proxy(web('{prefix: "/{{sid"}')).messages[0]).toMatch(/^error TYC0303 the proxy prefix template of service `web` is invalid: Parse error on line 1: expecting/);
    expect(proxy(web('{prefix: "/{{user}}"}')).messages).toEqual(['error TYC0303 the proxy prefix template of service `web` is invalid: `user` is not a template variable (line 1)']);
    expect(proxy(web('{prefix: "/a b?"}')).messages).toEqual(['error TYC0303 the proxy prefix of service `web`, "/a b?/", is not a URL path of letters, digits and . _ ~ - /']);
    expect(proxy(web('{rewrite: "/$1"}')).messages[0]).toMatch(/^error TYC0303 the proxy rewrite of service `web`, "\/\$1\/"/);
  });

  it('refuses two services under one prefix', () => {
    const compose = `${web('true')}  admin:\n    image: x\n    ports: ["8080"]\n    x-tycho:\n      proxy_rewrite: true\n`;
    expect(proxy(compose).messages).toEqual([
      'error TYC0303 service `admin` would be served under /private/demo/jane/abc123/ like service `web`; give one its own x-tycho.proxy_rewrite.prefix (e.g. with {{service}})',
    ]);
  });

  it('renders an overriding Mapping template without HTML escaping', () => {
    const { system } = proxy(web('true'), {}, withTemplate('kind: Mapping\nprefix: "{{prefix}}&{{username}}"\n'));
    expect(system.services[0]!.serviceAnnotations![AMBASSADOR_ANNOTATION]).toBe('kind: Mapping\nprefix: "/private/demo/jane/abc123/&jane"\n');
  });

  it('reports a Mapping template that is missing, misspells a variable or does not render to mappings', () => {
    expect(proxy(web('true'), {}, { templates: new Map() }).messages).toEqual(['error TYC0303 template ambassador-mapping.yaml.hbs (for service `web`) is missing']);
    expect(proxy(web('true'), {}, withTemplate('a: 1\nb: {{prot}}\n')).messages).toEqual([
      'error TYC0303 template ambassador-mapping.yaml.hbs (for service `web`) is invalid: `prot` is not a template variable (line 2)',
    ]);
    expect(proxy(web('true'), {}, withTemplate('prefix: [{{prefix}}\n')).messages[0]).toMatch(/^error TYC0303 template .* does not render to Mapping YAML: /);
    expect(proxy(web('true'), {}, withTemplate('just {{prefix}}\n')).messages).toEqual([
      'error TYC0303 template ambassador-mapping.yaml.hbs (for service `web`) does not render to Mapping YAML: each document must be a mapping',
    ]);
  });

  it('leaves a system without proxy_rewrite alone', () => {
    const system = runPass(labelsPass(), systemFrom('services:\n  a:\n    image: x\n')).system;
    expect(runPass(proxyRewritePass(), system).system).toBe(system);
  });
});

describe('renderTemplate', () => {
  it('renders variables raw, in an environment with no partials', () => {
    expect(renderTemplate('{{a}}{{#if b}}-{{b}}{{/if}}', { a: '<&>', b: '' })).toEqual({ text: '<&>' });
    expect(renderTemplate('{{> partial}}', {})).toEqual({ error: 'The partial partial could not be found' });
  });
});
