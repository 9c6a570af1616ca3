import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

/** Workspace libraries resolve to their TypeScript sources in tests, so no build is needed first. */
export const workspaceAliases = [
  { find: /^@neo\/topology$/, replacement: `${workspaceRoot}libs/topology/src/index.ts` },
  { find: /^@neo\/data$/, replacement: `${workspaceRoot}libs/data/src/index.ts` },
  { find: /^@neo\/topology-runtime$/, replacement: `${workspaceRoot}libs/topology-runtime/src/index.ts` },
  { find: /^@neo\/testing$/, replacement: `${workspaceRoot}libs/testing/src/index.ts` },
];

export interface ProjectTestOptions {
  /** Absolute path of the project (pass `import.meta.dirname`). */
  projectRoot: string;
  /** Files run once before all test files, e.g. to start shared database servers. */
  globalSetup?: string[];
  testTimeout?: number;
  hookTimeout?: number;
}

/** One vitest configuration shape for every project, so `nx test <project>` behaves the same everywhere. */
export function projectTestConfig(options: ProjectTestOptions): ViteUserConfig {
  return defineConfig({
    root: options.projectRoot,
    resolve: { alias: workspaceAliases },
    test: {
      include: ['src/**/*.spec.ts', 'src/**/*.it.ts', 'test/**/*.spec.ts', 'test/**/*.it.ts'],
      environment: 'node',
      globalSetup: options.globalSetup ?? [],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.hookTimeout ?? 120_000,
      // Database tests share a few real servers; running files one after another keeps a 2-core machine responsive.
      fileParallelism: false,
      pool: 'forks',
    },
  });
}
