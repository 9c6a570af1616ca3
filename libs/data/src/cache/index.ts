// The read-through cache of the seed (`CacheStrategy: ReadThrough`, `CacheTTL`): in process or in
// Redis, with invalidation on write that no concurrent load or lagging replica can undo.
export type { Cache, CacheKind, CacheStore, StoreEntry } from './read-through-cache.js';
export { ReadThroughCache, type ReadThroughCacheOptions } from './read-through.cache.js';
export { InProcessStore, type InProcessStoreOptions } from './in-process.store.js';
export { RedisStore, type RedisStoreOptions } from './redis.store.js';
export { NoCache } from './no.cache.js';
export { CacheMetrics, type CacheLookupResult, type CacheOperation, type StoreSkipReason } from './cache-metrics.js';
export { freshWindowFor } from './fresh-window.js';
export { createServiceCache, type ServiceCacheOptions } from './create-cache.js';
