/**
 * The package's entry: a typed client of `tychoc serve`, and the types of its requests and
 * answers. It needs nothing but `fetch`, so it loads without the compiler or the server.
 */
export { TychoApiError, TychoClient } from './api/client.js';
export type * from './api/types.js';
