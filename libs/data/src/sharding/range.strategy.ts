import type { Shard } from '@neo/topology';
import type { KeyBounds, ShardingStrategy } from './sharding-strategy.js';
import { ShardingConfigError, ShardKeyOutOfRangeError, ShardKeyTypeError } from './sharding.errors.js';

/**
 * Range sharding (the seed's storage shards by `created_date`): each shard holds keys in
 * `[from, to)`. Bounds are all numbers or all ISO dates. Ranges may leave gaps; only the
 * last one may be open-ended.
 */
export class RangeStrategy implements ShardingStrategy {
  readonly kind = 'range';
  readonly shardNames: readonly string[];
  private readonly keyKind: 'date' | 'number';
  private readonly ranges: Array<{ shard: string; from: number; to: number; text: string }>;

  constructor(
    readonly keyField: string,
    shards: readonly Shard[],
  ) {
    this.shardNames = shards.map((shard) => shard.name);
    const bounds = shards.flatMap((shard) => {
      if (!shard.range)
        throw new ShardingConfigError(`Range shard "${shard.name}" needs a range: { from, to } (to may be left out on the last shard).`);
      return shard.range.to === undefined ? [shard.range.from] : [shard.range.from, shard.range.to];
    });
    if (bounds.every((bound) => typeof bound === 'number')) this.keyKind = 'number';
    else if (bounds.every((bound) => typeof bound === 'string')) this.keyKind = 'date';
    else throw new ShardingConfigError('Range shard bounds must be all numbers or all ISO dates, not a mix.');

    this.ranges = shards
      .map((shard) => {
        const range = shard.range!;
        const from = this.boundValue(shard.name, range.from);
        const to = range.to === undefined ? Number.POSITIVE_INFINITY : this.boundValue(shard.name, range.to);
        if (!(from < to))
          throw new ShardingConfigError(
            `Shard "${shard.name}" has an empty range: from ${String(range.from)} is not before to ${String(range.to)}.`,
          );
        return {
          shard: shard.name,
          from,
          to,
          text: `${shard.name} [${String(range.from)}, ${range.to === undefined ? '∞' : String(range.to)})`,
        };
      })
      .sort((a, b) => a.from - b.from);
    this.ranges.forEach((range, index) => {
      const next = this.ranges[index + 1];
      if (next && next.from < range.to) throw new ShardingConfigError(`Shard ranges overlap: ${range.text} and ${next.text}.`);
    });
  }

  shardFor(value: unknown): string {
    const key = this.keyValue(value);
    const match = this.ranges.find((range) => key >= range.from && key < range.to);
    if (!match) throw new ShardKeyOutOfRangeError(this.keyField, value, this.describeRanges());
    return match.shard;
  }

  shardsWithin(bounds: KeyBounds): string[] {
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    let upperInclusive = true;
    if (bounds.gte !== undefined) lower = this.keyValue(bounds.gte);
    if (bounds.gt !== undefined && this.keyValue(bounds.gt) >= lower) {
      lower = this.keyValue(bounds.gt);
    }
    if (bounds.lte !== undefined) upper = this.keyValue(bounds.lte);
    if (bounds.lt !== undefined && this.keyValue(bounds.lt) <= upper) {
      upper = this.keyValue(bounds.lt);
      upperInclusive = false;
    }
    return this.ranges
      .filter((range) => {
        // The shard holds [from, to); the filter wants lower..upper.
        const startsBeforeUpper = upperInclusive ? range.from <= upper : range.from < upper;
        // Keys in a shard are < to, so some key above the lower bound exists exactly when to > lower.
        return startsBeforeUpper && range.to > lower;
      })
      .map((range) => range.shard);
  }

  sqlPredicate(shard: string, columnSql: string): string {
    const range = this.ranges.find((candidate) => candidate.shard === shard);
    if (!range) throw new ShardingConfigError(`There is no shard "${shard}"; the shards are ${this.shardNames.join(', ')}.`);
    const literal = (bound: number) => (this.keyKind === 'date' ? `'${new Date(bound).toISOString()}'::timestamptz` : String(bound));
    const parts = [`(${columnSql}) >= ${literal(range.from)}`];
    if (range.to !== Number.POSITIVE_INFINITY) parts.push(`(${columnSql}) < ${literal(range.to)}`);
    return parts.join(' AND ');
  }

  private describeRanges(): string {
    return this.ranges.map((range) => range.text).join(', ');
  }

  private boundValue(shard: string, bound: string | number): number {
    if (typeof bound === 'number') return bound;
    const time = Date.parse(bound);
    if (Number.isNaN(time)) throw new ShardingConfigError(`Shard "${shard}" has range bound "${bound}", which is not an ISO date.`);
    return time;
  }

  /** The comparable number of a key value: epoch milliseconds for dates. */
  private keyValue(value: unknown): number {
    if (this.keyKind === 'number') {
      if (typeof value === 'number' && !Number.isNaN(value)) return value;
      if (typeof value === 'bigint') return Number(value);
      throw new ShardKeyTypeError(this.keyField, value, 'a number for this range sharding');
    }
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
    // Prisma accepts ISO strings for DateTime fields; only full date-times are taken as keys.
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
    throw new ShardKeyTypeError(this.keyField, value, 'a Date (or an ISO date-time string) for this range sharding');
  }
}
