// NestJS integration of the data layer: the module, its tokens, health, metrics, request context, errors.
export { DataModule } from './data.module.js';
export { DATA_MODULE_OPTIONS, DATA_MODULE_OPTIONS_TYPE, DATA_MODULE_ASYNC_OPTIONS_TYPE } from './data.module-definition.js';
export type { DataModuleOptions } from './data-module.options.js';
export { DATA_CACHE, DATA_CLIENT, DATA_METRICS, DATA_SOURCE } from './data.tokens.js';
export { InjectDataCache, InjectDataClient, InjectDataMetrics, InjectDataSource } from './inject-data-client.decorator.js';
export { DataHealthIndicator, DEFAULT_HEALTH_TIMEOUT_MS, type NodeHealth } from './data-health.indicator.js';
export { DataHealthModule } from './data-health.module.js';
export { DataHealthController } from './data-health.controller.js';
export { DataMetricsModule } from './data-metrics.module.js';
export { DataMetricsController } from './data-metrics.controller.js';
export { RequestContextInterceptor, requestContextFromHeaders, REQUEST_CONTEXT_HEADERS } from './request-context.interceptor.js';
export { DataExceptionFilter, DataUnavailableException, toDataHttpException } from './data-exception.filter.js';
export type { DataClient, DataSource, ConnectedNode } from './data-source.js';
export { createDataSource, type DataSourceOptions } from './create-data-source.js';
export { createShardedDataSource, type ShardedDataSourceOptions, type ShardedClientTuning } from './sharded-data-source.js';
export { createReplicaSetDataSource, type ReplicaSetDataSourceOptions, type ReplicaSetTuning } from './replica-set.data-source.js';
export { createPrimaryDataSource, adapterFor, type CreateDataClient } from './primary.data-source.js';
export { NodePools, nodeKey, type NodePoolsOptions, type PoolFactory } from './node-pools.js';
export { probeNode, type NodeProbe } from './probe-node.js';
// The cache `DataModule` provides (`DATA_CACHE`), for services that inject it.
export type { Cache } from '../cache/index.js';
export { flagsOptionsFromEnv, FLAGS_ENV, type DataFlagsOptions } from './flags-options.js';
export { openFlagProvider, type OpenedFlags } from './flags-provider.factory.js';
export {
  createSideSwitchingDataSource,
  isSideSwitching,
  type SideSwitchingDataSource,
  type SideSwitchingDataSourceOptions,
} from './side-switching.data-source.js';
export {
  retryRedirectedWrites,
  redirectOfPrismaError,
  forcingChooser,
  type WriteRedirectTuning,
  type RedirectEvent,
  type RedirectRetryOptions,
  type WriteSideSource,
} from './side-switching.write-redirect.js';
export { ReadYourWritesChooser, DEFAULT_READ_YOUR_WRITES_MS } from './side-switching.read-your-writes.js';
export {
  readServiceEnvironment,
  MIN_OPERATOR_TOKEN_LENGTH,
  type ServiceEnvironment,
  type ServiceEnvironmentDefaults,
} from './service-environment.js';
export { bootstrapService, type BootstrapServiceOptions, type ServiceStartContext } from './bootstrap-service.js';
export { positionCursorCodec, type CursorPosition, type PositionCursorCodec, type InvalidCursorErrorFactory } from './position-cursor.js';
export { PageQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_CURSOR_LENGTH } from './page.query.js';
export * from './http/index.js';
