import { projectTestConfig } from '../../vitest.shared.js';

// The reporting service lives on the analytics cluster; the HTTP suites also serve it from its schema in
// the monolith, so the monolith's cluster runs too (override with NEO_TEST_CLUSTERS). The global
// setup reads this in this process.
process.env['NEO_TEST_CLUSTERS'] ??= 'analytics,monolith';

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  globalSetup: ['../../libs/testing/src/global-setup.ts'],
});
