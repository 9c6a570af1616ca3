import type { Shard } from '@neo/topology';
import type { KeyBounds, ShardingStrategy } from './sharding-strategy.js';
import { ShardingConfigError, ShardKeyTypeError } from './sharding.errors.js';

/**
 * Modulo sharding (the seed's `user_id % 4`): an integer key lives on the shard whose
 * `remainder` equals `key mod modulus`. The mathematical modulo is used, so negative
 * keys land on a shard too; in SQL that is `((key % m) + m) % m`.
 */
export class ModuloStrategy implements ShardingStrategy {
  readonly kind = 'modulo';
  readonly shardNames: readonly string[];
  private readonly modulus: bigint;
  private readonly shardByRemainder: Map<bigint, string>;
  private readonly remainderByShard = new Map<string, bigint>();

  constructor(
    readonly keyField: string,
    shards: readonly Shard[],
    modulusOption?: number,
  ) {
    const modulus = modulusOption ?? shards.length;
    this.modulus = BigInt(modulus);
    this.shardNames = shards.map((shard) => shard.name);
    this.shardByRemainder = new Map();
    shards.forEach((shard, index) => {
      // Without explicit remainders, the i-th shard takes remainder i.
      const remainder = BigInt(shard.remainder ?? index);
      if (remainder >= this.modulus) {
        throw new ShardingConfigError(`Shard "${shard.name}" has remainder ${remainder}, which is not below the modulus ${modulus}.`);
      }
      const taken = this.shardByRemainder.get(remainder);
      if (taken) throw new ShardingConfigError(`Shards "${taken}" and "${shard.name}" both declare remainder ${remainder}.`);
      this.shardByRemainder.set(remainder, shard.name);
      this.remainderByShard.set(shard.name, remainder);
    });
    if (this.shardByRemainder.size !== modulus) {
      const missing = Array.from({ length: modulus }, (_, r) => BigInt(r)).filter((r) => !this.shardByRemainder.has(r));
      throw new ShardingConfigError(
        `Modulo sharding by ${modulus} needs a shard for every remainder; none declares ${missing.join(', ')}.`,
      );
    }
  }

  shardFor(value: unknown): string {
    const key = toIntegerKey(this.keyField, value);
    const remainder = ((key % this.modulus) + this.modulus) % this.modulus;
    return this.shardByRemainder.get(remainder)!;
  }

  shardsWithin(_bounds: KeyBounds): string[] {
    return [...this.shardNames];
  }

  sqlPredicate(shard: string, columnSql: string): string {
    const remainder = this.remainderByShard.get(shard);
    if (remainder === undefined)
      throw new ShardingConfigError(`There is no shard "${shard}"; the shards are ${this.shardNames.join(', ')}.`);
    return `(((${columnSql}) % ${this.modulus}) + ${this.modulus}) % ${this.modulus} = ${remainder}`;
  }
}

function toIntegerKey(keyField: string, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new ShardKeyTypeError(keyField, value, 'an integer (number or bigint) for modulo sharding');
}
