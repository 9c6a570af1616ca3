// Test-only helpers: the shared test topology (vitest global setup + fixture),
// isolated topologies for tests that break servers, and small pg helpers. (The HTTP suites of the services are in @neo/service-testing.)
import './provided-context.js';

export { useSharedTopology, type SharedTopology } from './use-shared-topology.js';
export { startIsolatedTopology, type IsolatedTopologyOptions } from './start-isolated-topology.js';
export { connectClient, withClient, type ClientTarget } from './pg-client.js';
export { eventually, type EventuallyOptions } from './eventually.js';
export { loadTestTopology, clustersFromEnv, TEST_ENV } from './shared-topology-options.js';
export { type ScratchPostgres } from '@neo/topology-runtime';
export { startScratchPostgres } from './start-scratch-postgres.js';
export { testProvider, type TestProvider } from './shared-topology-options.js';
export * from './unleash/index.js';
