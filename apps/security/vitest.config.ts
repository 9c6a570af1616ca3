import { randomBytes } from 'node:crypto';
import { projectTestConfig } from '../../vitest.shared.js';

// The security service lives on the core cluster; the HTTP suites also serve it from its schema in
// the monolith, so the monolith's cluster runs too (override with NEO_TEST_CLUSTERS). The global
// setup reads this in this process.
process.env['NEO_TEST_CLUSTERS'] ??= 'core,monolith';
// A master key for the secrets of this run only (the test files inherit the environment): tests never see a real one.
process.env['NEO_SECURITY_MASTER_KEY'] ??= randomBytes(32).toString('base64');

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  globalSetup: ['../../libs/testing/src/global-setup.ts'],
});
