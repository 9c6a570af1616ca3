import { loadTopology, locateTopologyFile, type Topology } from '@neo/topology';

/** Names of the environment variables the shared test topology reads. */
export const TEST_ENV = {
  /** Comma-separated clusters to start (default: every cluster of the topology). */
  clusters: 'NEO_TEST_CLUSTERS',
  /** `embedded` (default), `auto`, `testcontainers` or `external`. */
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
