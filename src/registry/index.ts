/**
 * The app registry: named apps in contexts with inheritance (registry.ts), and their launch for a
 * user (launch.ts).
 */
export { loadRegistry, resolveApps } from './registry.js';
export type { Registry, RegistrySettings, ResolvedApp } from './types.js';
export { launchApp, LaunchRefused, type LaunchRequest, type LaunchSettings } from './launch.js';
