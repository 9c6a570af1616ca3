import { retryingTransientWrites } from '../data-source/retry-transient-writes.js';
import type { DataMetrics } from '../metrics/index.js';
import { findService, serviceTargets, type Topology } from '../topology/index.js';
import type { DataClient, DataSource } from './data-source.js';
import { NodePools, type NodePoolsOptions } from './node-pools.js';
import { createPrimaryDataSource, type CreateDataClient } from './primary.data-source.js';
import { createReplicaSetDataSource, type ReplicaSetTuning } from './replica-set.data-source.js';
import { createShardedDataSource, type ShardedClientTuning } from './sharded-data-source.js';

export interface DataSourceOptions<TClient extends DataClient> {
  /** The service name in the topology, e.g. `storage`. */
  service: string;
  /** A bound topology: every node has its host and port (see `bindTopology`). */
  topology: Topology;
  /** `(adapter) => new PrismaClient({ adapter })` with the service's generated client. */
  createClient: CreateDataClient<TClient>;
  /** Pool hooks of the primary-only source (wrapping pools, observing idle-connection errors). */
  pools?: NodePoolsOptions;
  /** Where query, routing, lag and pool metrics go. */
  metrics?: DataMetrics;
  /** Policy, breaker and session overrides of the replica set; the topology's `reads` settings otherwise. */
  replicaSet?: ReplicaSetTuning;
  /** Fan-out concurrency, merge string order and generated ids of a sharded service's client. */
  sharding?: ShardedClientTuning;
}

/**
 * Chooses the data source a service gets from what its topology declares: a replica set when
 * the cluster of the service's database has replicas, else the primary alone; for a service that
 * declares `sharding`, a sharded client over one such connection per shard (see
 * `createShardedDataSource`), so callers keep calling this one function.
 */
export function createDataSource<TClient extends DataClient>(options: DataSourceOptions<TClient>): DataSource<TClient> {
  // Each database's client replays the writes PostgreSQL aborts as deadlock or serialization victims.
  options = { ...options, createClient: retryingTransientWrites(options.createClient) };
  // A sharded service gets one connection per shard behind a routing client (same client type at run time: plain Prisma calls).
  if (findService(options.topology, options.service).sharding) return createShardedDataSource(options) as unknown as DataSource<TClient>;
  const { replicas } = serviceTargets(options.topology, options.service);
  if (replicas.length > 0) return createReplicaSetDataSource(options);

  const pools = new NodePools(options.pools);
  const source = createPrimaryDataSource({ ...options, pools });
  const { metrics } = options;
  if (!metrics) return source;
  // The primary alone has no router to count queries, but its pool is followed like any other.
  const detach = source.nodes.map(({ node, pool }) =>
    metrics.instrumentPool(pool, {
      database: node.schema === undefined ? node.database : `${node.database}.${node.schema}`,
      node: `${node.cluster}/${node.node}`,
      role: node.role,
    }),
  );
  return {
    ...source,
    close: async () => {
      await source.close();
      for (const stop of detach) stop();
    },
  };
}
