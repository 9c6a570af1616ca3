/**
 * A ShardingStrategy places a shard key value on a shard. The router reads key values
 * out of Prisma arguments and asks the strategy where they live.
 */
export interface ShardingStrategy {
  readonly kind: 'modulo' | 'hash' | 'range';
  /** Prisma field name of the shard key. */
  readonly keyField: string;
  /** Every shard, in topology order. */
  readonly shardNames: readonly string[];
  /** The shard holding rows with this key value; throws ShardKeyTypeError or ShardKeyOutOfRangeError. */
  shardFor(value: unknown): string;
  /** The shards that may hold keys within these bounds (all of them when the strategy cannot tell). */
  shardsWithin(bounds: KeyBounds): string[];
  /**
   * A SQL condition that is true exactly for rows of `shard`, with the key column given
   * as SQL (e.g. `"user_id"`); usable in CHECKs, backfills and publication row filters.
   */
  sqlPredicate(shard: string, columnSql: string): string;
}

/** Range predicate bounds on the shard key, as Prisma filters write them. */
export interface KeyBounds {
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
}
