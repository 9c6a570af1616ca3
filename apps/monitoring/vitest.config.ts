import { projectTestConfig } from '../../vitest.shared.js';

// The monitoring service lives on the analytics cluster: its tests need no other servers
// (override with NEO_TEST_CLUSTERS). The global setup reads this in this process.
process.env['NEO_TEST_CLUSTERS'] ??= 'analytics';

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  globalSetup: ['../../libs/testing/src/global-setup.ts'],
});
