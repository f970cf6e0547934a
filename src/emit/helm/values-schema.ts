/** A quantity as values.yaml or `--set` gives it: `500m` and `1Gi` are strings, `2` a number. */
const QUANTITIES = { type: 'object', additionalProperties: { type: ['string', 'number'] } };

/** Each value's schema: what Kubernetes takes in the field the value fills. */
const VALUE_SCHEMAS: Readonly<Record<string, object>> = {
  image: {
    type: 'object',
    additionalProperties: false,
    required: ['repository'],
    properties: { repository: { type: 'string', minLength: 1 }, tag: { type: ['string', 'number'] }, digest: { type: 'string' } },
  },
  replicas: { type: 'integer', minimum: 0 },
  resources: { type: 'object', additionalProperties: false, properties: { limits: QUANTITIES, requests: QUANTITIES } },
  service: { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] } } },
  ingress: {
    type: 'object',
    additionalProperties: false,
    required: ['enabled', 'host', 'path'],
    properties: { enabled: { type: 'boolean' }, host: { type: 'string' }, path: { type: 'string', pattern: '^/' } },
  },
};

/**
 * values.schema.json, which Helm checks values against before rendering (install, template, lint):
 * a service or value name that the chart does not have (`--set services.web.replica=3`), or a
 * value of the wrong type, is refused with its path instead of rendering as if unset.
 */
export function valuesSchema(services: readonly { readonly key: string; readonly values: Readonly<Record<string, unknown>> }[]): object {
  const service = (values: Readonly<Record<string, unknown>>) => ({
    type: 'object',
    additionalProperties: false,
    required: Object.keys(values),
    properties: Object.fromEntries(Object.keys(values).map((k) => [k, VALUE_SCHEMAS[k]!])),
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      services: {
        type: 'object',
        additionalProperties: false,
        required: services.map((s) => s.key),
        properties: Object.fromEntries(services.map((s) => [s.key, service(s.values)])),
      },
    },
  };
}
