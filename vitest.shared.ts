import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Workspace libraries resolve to their TypeScript sources in tests, so no build is needed first:
 * every export of every `libs/<name>/package.json` (`@neo/data`, `@neo/data/nest`, …) to the file its
 * `@neo/source` condition names, the same condition TypeScript and the tools' loader use.
 */
export const workspaceAliases = readdirSync(`${workspaceRoot}libs`).flatMap((library) => {
  const manifest = JSON.parse(readFileSync(`${workspaceRoot}libs/${library}/package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, { '@neo/source': string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, targets]) => ({
    find: new RegExp(`^${`${manifest.name}${subpath.slice(1)}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    replacement: `${workspaceRoot}libs/${library}/${targets['@neo/source'].slice(2)}`,
  }));
});

export interface ProjectTestOptions {
  /** Absolute path of the project (pass `import.meta.dirname`). */
  projectRoot: string;
  /** Test files, relative to the project; default: `*.spec.ts` and `*.it.ts` under `src/` and `test/`. */
  include?: string[];
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
      include: options.include ?? ['src/**/*.spec.ts', 'src/**/*.it.ts', 'test/**/*.spec.ts', 'test/**/*.it.ts'],
      environment: 'node',
      globalSetup: options.globalSetup ?? [],
      // Room for a CI machine a few times slower than a laptop: a test that takes 15 s here must not time out there.
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: options.hookTimeout ?? 120_000,
      // Database tests share a few real servers; running files one after another keeps a 2-core machine responsive.
      fileParallelism: false,
      pool: 'forks',
    },
  });
}
