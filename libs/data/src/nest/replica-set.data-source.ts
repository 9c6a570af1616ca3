import type pg from 'pg';
import type { DataMetrics } from '../metrics/index.js';
import { createReplicaSet, type ReplicaSet, type ReplicaSetOptions, type ReplicatedClient } from '../replication/index.js';
import { findService, serviceTargets, type Topology } from '@neo/topology';
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
  const set: ReplicaSet<TClient> = createReplicaSet<TClient>({
    primary,
    replicas,
    reads,
    createClient: options.createClient,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.replicaSet,
  });

  return {
    service: options.service,
    client: set.client,
    nodes: set.connectedNodes,
    ready: () => set.ready(),
    status: () => set.status(),
    close: () => set.close(),
  };
}
