import { projectTestConfig } from '../../vitest.shared.js';

export default projectTestConfig({ projectRoot: import.meta.dirname });
