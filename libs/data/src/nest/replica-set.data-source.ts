import type pg from 'pg';
import type { DataMetrics } from '../metrics/index.js';
import { createReplicaSet, type ReplicaSet, type ReplicaSetOptions, type ReplicatedClient } from '../replication/index.js';
import { findService, serviceTargets, type Topology } from '../topology/index.js';
import type { DataClient, DataSource } from './data-source.js';
import type { CreateDataClient } from './primary.data-source.js';

/** Replica-set settings a service may tune; the rest comes from the topology. */
export type ReplicaSetTuning = Pick<ReplicaSetOptions<object>, 'picker' | 'breaker' | 'sessions' | 'lagProbeTimeoutMs' | 'onEvent'>;

export interface ReplicaSetDataSourceOptions<TClient extends DataClient> {
  service: string;
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  createClient: CreateDataClient<TClient>;
  metrics?: DataMetrics;
  replicaSet?: ReplicaSetTuning;
}

/**
 * A data source on the primary and replicas of the service's database: the client routes reads
 * to fresh, healthy replicas (the topology's `reads` policy and lag bound) and everything else to
 * the primary, with read-your-writes per request context (see `ReplicaSet`).
 */
export function createReplicaSetDataSource<TClient extends DataClient>(
  options: ReplicaSetDataSourceOptions<TClient>,
): DataSource<ReplicatedClient<TClient>> {
  const { primary, replicas } = serviceTargets(options.topology, options.service);
  const { reads } = findService(options.topology, options.service);
  // The replica set builds one client per node: the primary first, then the replicas in the order given.
  const nodesInOrder = [primary, ...replicas];
  let built = 0;
  const set: ReplicaSet<TClient> = createReplicaSet<TClient>({
    primary,
    replicas,
    reads,
    createClient: (adapter) => options.createClient(adapter, nodesInOrder[built++]!),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.replicaSet,
  });
  const pools = queryPoolsOf(set);

  return {
    service: options.service,
    client: set.client,
    nodes: nodesInOrder.map((node, index) => ({ node, pool: pools[index]! })),
    ready: () => set.ready(),
    status: () => set.status(),
    close: () => set.close(),
  };
}

/**
 * The pools the replica set queries through, one per node in the order it connected them
 * (primary, then replicas). `ReplicaSet` keeps them private; health probes and shutdown checks
 * need the very pools the queries use, so they are read here in one place.
 */
function queryPoolsOf(set: ReplicaSet<object>): readonly pg.Pool[] {
  const pools = (set as unknown as { pools?: pg.Pool[] }).pools;
  if (!Array.isArray(pools)) throw new TypeError('ReplicaSet no longer keeps its pools in `pools`; update queryPoolsOf');
  return pools;
}
