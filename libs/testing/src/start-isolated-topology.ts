import type { Topology } from '@neo/topology';
import { startTopology, type RunningTopology, type StartTopologyOptions } from '@neo/topology-runtime';
import { loadTestTopology, testProvider } from './shared-topology-options.js';

export interface IsolatedTopologyOptions extends Omit<StartTopologyOptions, 'provider' | 'dataDir' | 'wipe'> {
  /** Default: config/topology.yaml. */
  topology?: Topology;
}

/**
 * Servers of a test's own, for tests that stop, pause or break them: embedded in a fresh
 * temporary directory (or containers, under `NEO_TEST_PROVIDER=testcontainers`), all removed by
 * `stop()`. Start few clusters (`clusters: ['core']`) and stop it in `afterAll`.
 */
export function startIsolatedTopology(options: IsolatedTopologyOptions = {}): Promise<RunningTopology> {
  const { topology = loadTestTopology(options.env), ...rest } = options;
  const provider = testProvider(options.env);
  // External servers cannot be stopped or paused by a test.
  return startTopology(topology, { ...rest, provider: provider === 'external' ? 'embedded' : provider });
}
