// The public API of @neo/data: everything a service or tool imports comes from here.
export * from '@neo/topology';
export * from './context/index.js';
export * from './metrics/index.js';
export * from './migrations/index.js';
export * from './replication/index.js';
export * from './sharding/index.js';
export * from './cache/index.js';
export * from './flags/index.js';
export * from './selection/index.js';
export * from './cutover/index.js';
export * from './data-source/index.js';
export * from './pool/index.js';
export * from './paging/index.js';
export * from './nest/index.js';
