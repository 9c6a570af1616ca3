import { projectTestConfig } from '../../vitest.shared.js';

export default projectTestConfig({
  projectRoot: import.meta.dirname,
  // The shared test topology these fixtures hand out (NEO_TEST_CLUSTERS narrows it).
  globalSetup: ['src/global-setup.ts'],
});
