import type { Topology } from '@neo/topology';
import { startTopology, type RunningTopology, type StartTopologyOptions } from '@neo/topology-runtime';
import { loadTestTopology } from './shared-topology-options.js';

export interface IsolatedTopologyOptions extends Omit<StartTopologyOptions, 'provider' | 'dataDir' | 'wipe'> {
  /** Default: config/topology.yaml. */
  topology?: Topology;
}

/**
 * Servers of a test's own, for tests that stop, pause or break them: embedded,
 * in a fresh temporary directory that `stop()` removes. Start few clusters
 * (`clusters: ['core']`) and stop it in `afterAll`.
 */
export function startIsolatedTopology(options: IsolatedTopologyOptions = {}): Promise<RunningTopology> {
  const { topology = loadTestTopology(options.env), ...rest } = options;
  return startTopology(topology, { ...rest, provider: 'embedded' });
}
