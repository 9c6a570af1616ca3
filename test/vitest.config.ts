import { randomBytes } from 'node:crypto';
import { projectTestConfig } from '../vitest.shared.js';

// A keymanagement master key of this run only (the cutover tests start every service): tests never see a real one.
process.env['NEO_KEYMANAGEMENT_MASTER_KEY'] ??= randomBytes(32).toString('base64');

// Tests that cross projects: they start their own servers and run several services in one process.
export default projectTestConfig({
  projectRoot: import.meta.dirname,
  include: ['**/*.spec.ts', '**/*.it.ts'],
});
