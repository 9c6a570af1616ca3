import { projectTestConfig } from '../../vitest.shared.js';

// The security service lives on the core cluster; the HTTP suites also serve it from its schema in
// the monolith, so the monolith's cluster runs too (override with NEO_TEST_CLUSTERS). The global
// setup reads this in this process.
process.env['NEO_TEST_CLUSTERS'] ??= 'core,monolith';

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  globalSetup: ['../../libs/testing/src/global-setup.ts'],
});
