// Sharding: routing plain Prisma calls to shard databases, merging cross-shard reads,
// application-made ids, and declarative partitioning inside one database.
export * from './sharding.errors.js';
export type { ShardingStrategy, KeyBounds } from './sharding-strategy.js';
export { ModuloStrategy } from './modulo.strategy.js';
export { HashStrategy, hashKeyText } from './hash.strategy.js';
export { RangeStrategy } from './range.strategy.js';
export { createShardingStrategy } from './create-strategy.js';
export { parseKeyRange, evenKeyRanges, keyRangeContains, type KeyRange } from './key-range.js';
export { keyspaceId, keyspaceIdHex, keyspaceIdHexSql, keyspaceIdBigintSql } from './keyspace-id.js';
export { ALL_SHARDS, type Destination } from './destination.js';
export { ShardRouter } from './shard-router.js';
export type { ModelPlacement } from './model-routing.js';
export type { ShardConnection, PrismaClientLike } from './shard-connection.js';
export type { ShardFailure } from './fan-out.js';
export type { StringComparator } from './merge/compare-values.js';
export { compareCodePoints } from './merge/compare-values.js';
export {
  createShardedClient,
  type ShardedClient,
  type ShardedClientApi,
  type ShardedClientOptions,
  type ShardsApi,
  type PartialResult,
} from './sharded-client.js';
export type { GeneratedIds } from './generated-ids.js';
export * from './ids/index.js';
export * from './partitioning/index.js';
