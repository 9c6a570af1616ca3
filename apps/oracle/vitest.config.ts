import { projectTestConfig } from '../../vitest.shared.js';

// The oracle service lives on the blockchain cluster (a primary and two streaming replicas):
// the HTTP suites also serve it from its schema in the monolith, so the monolith's cluster runs
// too (override with NEO_TEST_CLUSTERS). The global setup reads this in this process.
process.env['NEO_TEST_CLUSTERS'] ??= 'blockchain,monolith';

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  globalSetup: ['../../libs/testing/src/global-setup.ts'],
  // The end-to-end tests start their own servers and stop them on purpose; that takes a while on 2 cores.
  testTimeout: 120_000,
});
