import { randomBytes } from 'node:crypto';
import { projectTestConfig } from '../vitest.shared.js';

// Master keys of this run only (the cutover tests start every service): tests never see a real one.
for (const variable of ['NEO_KEYMANAGEMENT_MASTER_KEY', 'NEO_SECURITY_MASTER_KEY'])
  process.env[variable] ??= randomBytes(32).toString('base64');

// Tests that cross projects: they start their own servers and run several services in one process.
export default projectTestConfig({
  projectRoot: import.meta.dirname,
  include: ['**/*.spec.ts', '**/*.it.ts'],
});
