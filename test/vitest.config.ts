import { projectTestConfig } from '../vitest.shared.js';

// Tests that cross projects: they start their own servers and run several services in one process.
export default projectTestConfig({
  projectRoot: import.meta.dirname,
  include: ['**/*.spec.ts', '**/*.it.ts'],
});
