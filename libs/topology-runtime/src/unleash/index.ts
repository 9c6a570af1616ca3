// A real unleash-server (the npm package) in a child process: for `neo-db up --flags unleash` and for tests.
export { startUnleashServer, type RunningUnleashServer, type UnleashServerOptions } from './start-unleash-server.js';
export { UnleashAdmin, type AdminStrategy } from './unleash-admin.js';
