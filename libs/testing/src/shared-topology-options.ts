import { loadTopology, locateTopologyFile, type Topology } from '@neo/topology';
import type { StartTopologyOptions } from '@neo/topology-runtime';

/** Names of the environment variables the shared test topology reads. */
export const TEST_ENV = {
  /** Comma-separated clusters to start (default: every cluster of the topology). */
  clusters: 'NEO_TEST_CLUSTERS',
  /** `embedded` (default), `auto`, `testcontainers` or `external`; `NEO_PROVIDER` is read when this is unset. */
  provider: 'NEO_TEST_PROVIDER',
  /** A persistent data directory; by default a fresh temporary one per run. */
  dataDir: 'NEO_TEST_DATA_DIR',
} as const;

/** The declared topology the tests run against: config/topology.yaml (or the file NEO_TOPOLOGY names). */
export function loadTestTopology(env: NodeJS.ProcessEnv = process.env): Topology {
  return loadTopology({ path: locateTopologyFile({ env }) }, { env });
}

export function clustersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const list = env[TEST_ENV.clusters]
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return list && list.length > 0 ? list : undefined;
}

const PROVIDERS = ['embedded', 'auto', 'testcontainers', 'external'] as const;
export type TestProvider = (typeof PROVIDERS)[number];

/**
 * Which provider the tests' servers come from: `NEO_TEST_PROVIDER`, else `NEO_PROVIDER`, else
 * `embedded` (needs nothing but the npm packages). `npm run test:containers` sets `testcontainers`.
 */
export function testProvider(env: NodeJS.ProcessEnv = process.env): TestProvider & NonNullable<StartTopologyOptions['provider']> {
  const named = env[TEST_ENV.provider] || env['NEO_PROVIDER'] || 'embedded';
  const known = PROVIDERS.find((provider) => provider === named);
  if (!known) throw new Error(`${TEST_ENV.provider}/NEO_PROVIDER is "${named}"; use one of ${PROVIDERS.join(', ')}.`);
  return known;
}
