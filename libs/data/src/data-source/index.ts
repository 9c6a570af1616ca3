// Building a service's client from the topology, in the order a query travels:
// open-data-source (flags?) → side-switching.data-source (selection: monolith or own side)
// → create-data-source / sharded-databases (sharding) → connect-database (replication: replica
// set or primary) → ../pool (one pg pool per node, Prisma's adapter on it).
export { openDataSource, type OpenDataSourceOptions } from './open-data-source.js';
export { createDataSource, type DataSourceOptions } from './create-data-source.js';
export {
  createSideSwitchingDataSource,
  isSideSwitching,
  type SideSwitchingDataSource,
  type SideSwitchingDataSourceOptions,
} from './side-switching.data-source.js';
export type { ConnectedNode, CreateDataClient, DataClient, DataSource } from './data-source.js';
export type { ReplicaSetTuning } from './connect-database.js';
export type { ShardedClientTuning } from './sharded-databases.js';
export { flagsOptionsFromEnv, FLAGS_ENV, type DataFlagsOptions } from './flags-options.js';
export { openFlagProvider, type OpenedFlags } from './open-flag-provider.js';
export { ReadYourWritesChooser, DEFAULT_READ_YOUR_WRITES_MS } from './side-switching.read-your-writes.js';
export {
  retryRedirectedWrites,
  redirectOfPrismaError,
  forcingChooser,
  type WriteRedirectTuning,
  type RedirectEvent,
  type RedirectRetryOptions,
  type WriteSideSource,
} from './side-switching.write-redirect.js';
