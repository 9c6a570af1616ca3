// @neo/data: what a service needs to query its data. Everything else comes through a subpath:
//   @neo/data/nest          the NestJS module, health, metrics endpoint, request context, error filter
//   @neo/data/partitioning  time-partitioned tables with retention inside one database
//   @neo/data/migrations    applying each service's migrations to every database of a topology
//   @neo/data/cutover       moving a service out of the monolith and back (operator commands)
//   @neo/data/flags         the feature-flag providers and the flags file
// and the topology model from @neo/topology.

// The declared topology a data source is built from.
export { DataError, bindTopology, loadTopology, locateTopologyFile, type Endpoints, type Topology } from '@neo/topology';

// A service's data source: its client, the nodes behind it, and how to close it.
export {
  openDataSource,
  createDataSource,
  isSideSwitching,
  FLAGS_ENV,
  type OpenDataSourceOptions,
  type DataSourceOptions,
  type DataSource,
  type DataClient,
  type CreateDataClient,
  type ConnectedNode,
  type SideSwitchingDataSource,
  type DataFlagsOptions,
  type ReplicaSetTuning,
  type ShardedClientTuning,
  type WriteRedirectTuning,
} from './data-source/index.js';
export type { Side, SidePlacement, SideDecision } from './selection/index.js';

// The clients service code queries: plain Prisma, plus what replicas and shards add.
export type { ReplicatedClient, NodeStatus, ReplicaPicker, ReplicaCandidate } from './replication/index.js';
export type { ShardedClient, ShardedClientApi, ShardsApi, PartialResult, ShardFailure } from './sharding/index.js';

// Per request and per call: who is asking, and how fresh a read must be.
export { runWithRequestContext, currentRequestContext, withSession, type RequestContext } from './context/index.js';
export { withReadConsistency, type ReadConsistency } from './replication/index.js';

// Errors a service may branch on (each a DataError with a stable `code`).
export { PrimaryUnavailableError, QueryTimeoutError, ReplicaWriteError, isConnectionError } from './replication/index.js';
export {
  ShardingConfigError,
  ShardKeyRequiredError,
  ShardKeyTypeError,
  ShardKeyOutOfRangeError,
  CrossShardTransactionError,
  UnroutableCallError,
  ShardQueryError,
  NestedWriteShardError,
} from './sharding/index.js';

// Ids, paging, the read-through cache and metrics a service uses.
export { Uuidv7Generator, isUuidv7, uuidv7, uuidv7Time } from './sharding/ids/index.js';
export * from './paging/index.js';
export { createServiceCache, type Cache, type ServiceCacheOptions } from './cache/index.js';
export { DataMetrics, createDataMetrics } from './metrics/index.js';
