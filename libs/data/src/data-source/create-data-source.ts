import { findService, layoutSharding, serviceTargets, type CoalesceSettings, type ShardLayout, type Topology } from '@neo/topology';
import type { DataMetrics } from '../metrics/index.js';
import { NodePools, type NodePoolsOptions } from '../pool/index.js';
import { SharedLagMonitors } from '../replication/index.js';
import { connectDatabase, type ReplicaSetTuning } from './connect-database.js';
import { dataSourceOver, type ConnectedDatabases, type CreateDataClient, type DataClient, type DataSource } from './data-source.js';
import { switchLayouts, type LayoutSwitchOptions } from './layout-switching-databases.js';
import { connectShardedDatabases, type ShardedClientTuning } from './sharded-databases.js';

export interface DataSourceOptions<TClient extends DataClient> {
  /** The service name in the topology, e.g. `storage`. */
  service: string;
  /** A bound topology: every node has its host and port (see `bindTopology`). */
  topology: Topology;
  /** `(adapter) => new PrismaClient({ adapter })` with the service's generated client; called once per node. */
  createClient: CreateDataClient<TClient>;
  /** Hooks of every pool the source opens (wrapping pools, observing idle-connection errors). */
  pools?: Omit<NodePoolsOptions, 'metrics'>;
  /** Where query, routing, lag and pool metrics go. */
  metrics?: DataMetrics;
  /** Policy, breaker and session overrides of every replica set; the topology's `reads` settings otherwise. */
  replicaSet?: ReplicaSetTuning;
  /** Fan-out concurrency, merge string order and generated ids of a sharded service's client. */
  sharding?: ShardedClientTuning;
  /**
   * Write coalescing in place of the topology's `writes.coalesce` (`false`: off whatever the
   * topology says). `maxBatch`, `windowMs` and `rawInserts` default as in the topology (100, 0, true).
   */
  coalesceWrites?: false | (Pick<CoalesceSettings, 'models'> & Partial<CoalesceSettings>);
}

/** The write coalescing a data source applies: the options' own, else the topology's. */
export function coalesceSettingsOf(
  options: Pick<DataSourceOptions<DataClient>, 'coalesceWrites'>,
  declared: { writes?: { coalesce?: CoalesceSettings } },
): CoalesceSettings | undefined {
  if (options.coalesceWrites === false) return undefined;
  if (options.coalesceWrites) return { maxBatch: 100, windowMs: 0, rawInserts: true, ...options.coalesceWrites };
  return declared.writes?.coalesce;
}

/**
 * The data source on the service's own database(s), as its topology declares them: one database
 * (a replica set, of the primary alone when its cluster has no replicas), or for a service that
 * declares `sharding` one such database per shard behind a sharded client. Plain Prisma calls
 * either way, so callers keep calling this one function. (With flags, `openDataSource` adds the
 * monolith side.)
 */
export function createDataSource<TClient extends DataClient>(options: DataSourceOptions<TClient>): DataSource<TClient> {
  const pools = poolsOf(options);
  try {
    return dataSourceOver(options.service, connectOwnDatabases(options, pools), pools);
  } catch (error) {
    void pools.closeAll();
    throw error;
  }
}

/** Every pool of one data source, followed by its metrics. */
export function poolsOf(options: Pick<DataSourceOptions<DataClient>, 'pools' | 'metrics'>): NodePools {
  return new NodePools({ ...options.pools, ...(options.metrics ? { metrics: options.metrics } : {}) });
}

/** The service's own databases on `pools`: the one path for a sharded and an unsharded service. */
export function connectOwnDatabases<TClient extends DataClient>(
  options: DataSourceOptions<TClient>,
  pools: NodePools,
  layoutSwitch?: LayoutSwitchOptions,
): ConnectedDatabases<TClient> {
  const { service, topology } = options;
  const declared = findService(topology, service);
  const coalesce = coalesceSettingsOf(options, declared);
  // Shards on the same servers (and both layouts during a reshard) share one lag poll per server.
  const lagMonitors = new SharedLagMonitors();
  const connect = (targets: Parameters<typeof connectDatabase>[0]) =>
    connectDatabase(targets, {
      createClient: options.createClient,
      pools,
      lagMonitors,
      reads: declared.reads,
      ...(coalesce ? { coalesce } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.replicaSet ? { replicaSet: options.replicaSet } : {}),
    });
  if (declared.sharding) {
    const sharding = declared.sharding;
    // Same client type at run time: plain Prisma calls, routed to shards.
    const connectLayout = (layout: ShardLayout) =>
      connectShardedDatabases(
        {
          service,
          topology,
          sharding: layoutSharding(sharding, layout),
          layout,
          ...(options.sharding ? { tuning: options.sharding } : {}),
        },
        connect,
      ) as unknown as ConnectedDatabases<TClient>;
    // While a reshard runs, both layouts, chosen per call by the reshard's flags (without flags: the current one).
    if (sharding.next && layoutSwitch) return switchLayouts(service, connectLayout('current'), connectLayout('next'), layoutSwitch);
    return connectLayout('current');
  }
  const database = connect(serviceTargets(topology, service));
  return { client: database.client, databases: () => [database] };
}
