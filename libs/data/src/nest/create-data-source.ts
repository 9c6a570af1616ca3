import type { Topology } from '../topology/index.js';
import type { DataClient, DataSource } from './data-source.js';
import { NodePools, type NodePoolsOptions } from './node-pools.js';
import { createPrimaryDataSource, type CreateDataClient } from './primary.data-source.js';

export interface DataSourceOptions<TClient extends DataClient> {
  /** The service name in the topology, e.g. `storage`. */
  service: string;
  /** A bound topology: every node has its host and port (see `bindTopology`). */
  topology: Topology;
  /** `(adapter) => new PrismaClient({ adapter })` with the service's generated client. */
  createClient: CreateDataClient<TClient>;
  /** Pool hooks (wrapping pools for metrics, observing idle-connection errors). */
  pools?: NodePoolsOptions;
}

/**
 * Chooses the data source a service gets from what its topology declares. Today:
 * the primary of its own database (for a service that declares shards, its home
 * database, which the fleet migrator migrates like the shards). Replica sets and
 * shard routers are added here as further kinds, so callers keep calling this one function.
 */
export function createDataSource<TClient extends DataClient>(options: DataSourceOptions<TClient>): DataSource<TClient> {
  const pools = new NodePools(options.pools);
  return createPrimaryDataSource({ ...options, pools });
}
