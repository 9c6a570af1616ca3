import type { TestProject } from 'vitest/node';
import { startTopology } from '@neo/topology-runtime';
import './provided-context.js';
import { clustersFromEnv, loadTestTopology, TEST_ENV, testProvider } from './shared-topology-options.js';

/**
 * vitest `globalSetup`: starts the shared test topology once per vitest run,
 * hands its endpoints to the test files (`inject('neoEndpoints')`) and stops it
 * when the run ends. Which clusters: `NEO_TEST_CLUSTERS` (default all).
 *
 *   projectTestConfig({ projectRoot: import.meta.dirname, globalSetup: ['../../libs/testing/src/global-setup.ts'] })
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const topology = loadTestTopology(env);
  const clusters = clustersFromEnv(env);
  const dataDir = env[TEST_ENV.dataDir];
  const started = performance.now();
  const running = await startTopology(topology, {
    provider: testProvider(env),
    ...(clusters ? { clusters } : {}),
    ...(dataDir ? { dataDir, wipe: true } : {}),
    dropOnStop: true,
    env,
  });
  console.log(
    `[neo] shared test topology (${running.provider}, ${Object.keys(running.endpoints).length} servers) up in ${Math.round(performance.now() - started)} ms`,
  );
  project.provide('neoEndpoints', running.endpoints);
  project.provide('neoTopology', running.topology);
  project.provide('neoAdmin', running.admin);
  return async () => {
    await running.stop();
  };
}
