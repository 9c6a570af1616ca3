import type { CoalesceSettings, ReadSettings, ReplicaSetTargets } from '@neo/topology';
import { coalesceCreates, coalescingRecorder } from '../coalescing/index.js';
import { nodeMetricLabels, type DataMetrics } from '../metrics/index.js';
import type { NodePools } from '../pool/index.js';
import { createReplicaSet, type ReplicaSetOptions, type SharedLagMonitors } from '../replication/index.js';
import type { ConnectedDatabase, CreateDataClient, DataClient } from './data-source.js';
import { retryTransientWrites } from './retry-transient-writes.js';

/** Replica-set settings a service may tune; the rest comes from the topology. */
export type ReplicaSetTuning = Pick<ReplicaSetOptions<object>, 'picker' | 'breaker' | 'sessions' | 'lagProbeTimeoutMs' | 'onEvent'>;

/** What connecting any database of a service needs; the same for its database, its shards and the monolith side. */
export interface ConnectSettings<TClient extends DataClient> {
  readonly createClient: CreateDataClient<TClient>;
  /** Where every node's pool comes from; the data source ends them. */
  readonly pools: NodePools;
  /** One lag monitor per set of servers for every database connected with these settings (a service's shards). */
  readonly lagMonitors?: SharedLagMonitors;
  /** The service's `reads` settings from the topology: replica policy, lag bound, poll interval. */
  readonly reads: ReadSettings;
  readonly metrics?: DataMetrics;
  readonly replicaSet?: ReplicaSetTuning;
  /** The service's `writes.coalesce` settings: which models' single-row creates the primary sends together. */
  readonly coalesce?: CoalesceSettings;
}

/**
 * Connects one database as a `ReplicaSet`: reads to fresh, healthy replicas, everything else to
 * the primary, read-your-writes per session. A database without replicas (a single-primary
 * cluster, the service's schema in the monolith) is a set of its primary alone, so every call of
 * every database takes the one path that times it (`neo_data_query_duration_seconds`), counts it,
 * guards it with a breaker and answers a lost primary with `PrimaryUnavailableError`. The pools
 * come from `settings.pools`.
 */
export function connectDatabase<TClient extends DataClient>(
  targets: ReplicaSetTargets,
  settings: ConnectSettings<TClient>,
): ConnectedDatabase<TClient> {
  // Every node's client replays a deadlock or serialization victim of a write, and coalesces
  // creates where asked (a batch that deadlocks is replayed whole, as one statement): after a
  // failover a declared replica takes the writes. Reads pass through untouched.
  const { coalesce, metrics } = settings;
  const createClient = (adapter: Parameters<CreateDataClient<TClient>>[0], node: Parameters<CreateDataClient<TClient>>[1]) => {
    const retried = retryTransientWrites(settings.createClient(adapter, node));
    if (!coalesce) return retried as TClient & object;
    return coalesceCreates(retried, {
      ...coalesce,
      ...(metrics ? { recorder: coalescingRecorder(metrics.registry, nodeMetricLabels(node)) } : {}),
    }) as TClient & object;
  };
  const set = createReplicaSet<TClient & object>({
    primary: targets.primary,
    replicas: targets.replicas,
    reads: settings.reads,
    createClient,
    pools: settings.pools,
    ...(settings.lagMonitors ? { lagMonitors: settings.lagMonitors } : {}),
    ...(settings.metrics ? { metrics: settings.metrics } : {}),
    ...settings.replicaSet,
  });
  return {
    client: set.client as unknown as TClient,
    nodes: set.connectedNodes,
    ready: () => set.ready(),
    status: () => set.status(),
    close: () => set.close(),
  };
}
