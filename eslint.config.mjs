import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/generated', '**/node_modules', '.nx', '.neo', 'tmp'] },
  {
    files: ['**/*.ts', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            // apps use the shared libraries; libraries never reach into apps
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            // tests that cross projects (test/) may use every project
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the testing library and the topology runtime from any project (a library's
    // database tests start real servers through them), and test configs share one root helper.
    // Benchmarks, like tests, measure library internals and fixtures in place, by relative path.
    files: ['**/vitest.config.ts', '**/*.spec.ts', '**/*.it.ts', '**/test-support/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // the testing library is for tests only: production sources of apps and libs may not import it
    files: ['apps/*/src/**/*.ts', 'libs/data/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.it.ts', '**/*.test.ts', '**/test/**', '**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@neo/testing', message: '@neo/testing is for tests only.' },
            { name: '@neo/service-testing', message: '@neo/service-testing is for tests only.' },
          ],
        },
      ],
    },
  },
  // formatting is Prettier's job (npm run format); lint checks it with `prettier --check`
  prettier,
];
