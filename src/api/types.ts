import type { Envelope as EnvelopeShape } from '../../generated/api-types.js';

/** The API's requests and answers: generated from the JSON Schemas the server validates with. */
export type {
  AppView,
  DefinedService,
  Deleted,
  DeleteRequest,
  Modified,
  Quantities,
  LaunchRequest,
  ModifyRequest,
  Scaled,
  ScaleRequest,
  ServiceDefinition,
  ServiceStatus,
  Sid,
  StartRequest,
  StatusRequest,
  SystemView,
  Touched,
} from '../../generated/api-types.js';

/** Every answer, with its result's type: Tycho's shape, the HTTP status telling success from failure as well. */
export type Envelope<T = unknown> = Omit<EnvelopeShape, 'result'> & { result: T };
