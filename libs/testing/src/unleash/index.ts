export { startUnleashServer, type RunningUnleashServer, type UnleashServerOptions } from './start-unleash-server.js';
export type { AdminStrategy } from './unleash-admin.js';
