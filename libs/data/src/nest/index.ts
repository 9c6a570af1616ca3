// NestJS integration of the data layer: the module, its tokens, the health indicator.
export { DataModule } from './data.module.js';
export { DATA_MODULE_OPTIONS, DATA_MODULE_OPTIONS_TYPE, DATA_MODULE_ASYNC_OPTIONS_TYPE } from './data.module-definition.js';
export type { DataModuleOptions } from './data-module.options.js';
export { DATA_CLIENT, DATA_SOURCE } from './data.tokens.js';
export { InjectDataClient, InjectDataSource } from './inject-data-client.decorator.js';
export { DataHealthIndicator, DEFAULT_HEALTH_TIMEOUT_MS } from './data-health.indicator.js';
export type { DataClient, DataSource, ConnectedNode } from './data-source.js';
export { createDataSource, type DataSourceOptions } from './create-data-source.js';
export { createPrimaryDataSource, adapterFor, type CreateDataClient } from './primary.data-source.js';
export { NodePools, nodeKey, type NodePoolsOptions, type PoolFactory } from './node-pools.js';
export { probeNode, type NodeProbe } from './probe-node.js';
