import type { ReadSettings, ReplicaSetTargets } from '@neo/topology';
import type { DataMetrics } from '../metrics/index.js';
import { queryTimeoutsOf, type NodePools } from '../pool/index.js';
import { createReplicaSet, type ReplicaSetOptions } from '../replication/index.js';
import type { ConnectedDatabase, CreateDataClient, DataClient } from './data-source.js';
import { withDefaultTransactionTimeout } from './default-transaction-timeout.js';
import { retryTransientWrites } from './retry-transient-writes.js';

/** Replica-set settings a service may tune; the rest comes from the topology. */
export type ReplicaSetTuning = Pick<ReplicaSetOptions<object>, 'picker' | 'breaker' | 'sessions' | 'lagProbeTimeoutMs' | 'onEvent'>;

/** What connecting any database of a service needs; the same for its database, its shards and the monolith side. */
export interface ConnectSettings<TClient extends DataClient> {
  readonly createClient: CreateDataClient<TClient>;
  /** Where every node's pool comes from; the data source ends them. */
  readonly pools: NodePools;
  /** The service's `reads` settings from the topology: replica policy, lag bound, poll interval. */
  readonly reads: ReadSettings;
  readonly metrics?: DataMetrics;
  readonly replicaSet?: ReplicaSetTuning;
}

/**
 * Connects one database: a replica set when `targets` has replicas (reads to fresh, healthy
 * replicas, everything else to the primary, read-your-writes per session; see `ReplicaSet`),
 * else one client on the primary. Either way the pools come from `settings.pools`.
 */
export function connectDatabase<TClient extends DataClient>(
  targets: ReplicaSetTargets,
  settings: ConnectSettings<TClient>,
): ConnectedDatabase<TClient> {
  // Writes go to the primary only, so only its client replays a deadlock or serialization victim.
  const createNodeClient = settings.createClient;
  const createClient: CreateDataClient<TClient> = (adapter, node) => {
    const client = createNodeClient(adapter, node);
    return node.role === 'primary' ? retryTransientWrites(client) : client;
  };
  settings = { ...settings, createClient };
  if (targets.replicas.length === 0) return connectPrimary(targets, settings);
  const set = createReplicaSet<TClient & object>({
    primary: targets.primary,
    replicas: targets.replicas,
    reads: settings.reads,
    createClient: (adapter, node) => settings.createClient(adapter, node) as TClient & object,
    pools: settings.pools,
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

/** The primary alone: no routing, so no query metrics; its pool is followed like any other (`NodePools`). */
function connectPrimary<TClient extends DataClient>(
  { primary }: ReplicaSetTargets,
  settings: ConnectSettings<TClient>,
): ConnectedDatabase<TClient> {
  const client = withDefaultTransactionTimeout(
    settings.createClient(settings.pools.adapterFor(primary), primary),
    queryTimeoutsOf(primary.pool).transactionTimeoutMs,
  );
  let closing: Promise<void> | undefined;
  return {
    client,
    nodes: [{ node: primary, pool: settings.pools.poolFor(primary) }],
    ready: () => Promise.resolve(),
    status: () => [],
    close() {
      closing ??= client.$disconnect().catch(() => undefined);
      return closing;
    },
  };
}
