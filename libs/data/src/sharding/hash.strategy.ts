import type { Shard } from '@neo/topology';
import { boundToHex, checkKeyRangesCoverKeyspace, keyRangeContains, parseKeyRange, type KeyRange } from './key-range.js';
import { keyspaceId, keyspaceIdHexSql } from './keyspace-id.js';
import type { KeyBounds, ShardingStrategy } from './sharding-strategy.js';
import { ShardingConfigError, ShardKeyTypeError } from './sharding.errors.js';

/**
 * Hash sharding: the key's 64-bit keyspace id (see keyspace-id.ts) falls in exactly one
 * shard's key range. Splitting a range later moves only that range's rows.
 */
export class HashStrategy implements ShardingStrategy {
  readonly kind = 'hash';
  readonly shardNames: readonly string[];
  private readonly ranges: Array<{ shard: string; range: KeyRange }>;

  constructor(
    readonly keyField: string,
    shards: readonly Shard[],
  ) {
    this.shardNames = shards.map((shard) => shard.name);
    this.ranges = checkKeyRangesCoverKeyspace(
      shards.map((shard) => {
        if (!shard.keyRange) throw new ShardingConfigError(`Hash shard "${shard.name}" needs a keyRange such as "-40" or "40-80".`);
        return { shard: shard.name, range: parseKeyRange(shard.keyRange) };
      }),
    );
  }

  shardFor(value: unknown): string {
    const id = keyspaceId(hashKeyText(this.keyField, value));
    // The ranges cover the keyspace (checked in the constructor), so one always matches.
    return this.ranges.find(({ range }) => keyRangeContains(range, id))!.shard;
  }

  shardsWithin(_bounds: KeyBounds): string[] {
    return [...this.shardNames];
  }

  sqlPredicate(shard: string, columnSql: string): string {
    const entry = this.ranges.find((candidate) => candidate.shard === shard);
    if (!entry) throw new ShardingConfigError(`There is no shard "${shard}"; the shards are ${this.shardNames.join(', ')}.`);
    const hex = `${keyspaceIdHexSql(columnSql)} COLLATE "C"`;
    const lower = entry.range.start === 0n ? undefined : `${hex} >= '${boundToHex(entry.range.start)}'`;
    const upperHex = boundToHex(entry.range.end);
    const upper = upperHex === undefined ? undefined : `${hex} < '${upperHex}'`;
    return [lower, upper].filter(Boolean).join(' AND ') || 'true';
  }
}

/** The text form PostgreSQL's `::text` gives the key: strings as they are, integers in decimal. */
export function hashKeyText(keyField: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value.toString();
  throw new ShardKeyTypeError(keyField, value, 'a string or an integer (number or bigint) for hash sharding');
}
