import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Shard, Sharding } from '@neo/topology';
import { createShardingStrategy } from './create-strategy.js';
import { HashStrategy } from './hash.strategy.js';
import { evenKeyRanges, parseKeyRange } from './key-range.js';
import { keyspaceId } from './keyspace-id.js';
import { ModuloStrategy } from './modulo.strategy.js';
import { RangeStrategy } from './range.strategy.js';
import { ShardingConfigError, ShardKeyOutOfRangeError, ShardKeyTypeError } from './sharding.errors.js';

const shards = (n: number, extra: (i: number) => Partial<Shard> = () => ({})): Shard[] =>
  Array.from({ length: n }, (_, i) => ({ name: `s${i}`, database: `db${i}`, ...extra(i) }));

describe('ModuloStrategy', () => {
  const modulo = new ModuloStrategy(
    'userId',
    shards(4, (i) => ({ remainder: i })),
    4,
  );

  it('places the seed example user_id % 4', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 4003].map((key) => modulo.shardFor(key))).toEqual(['s0', 's1', 's2', 's3', 's0', 's1', 's2', 's3']);
  });

  it('places every integer (number or bigint, also negative) on the shard of its mathematical remainder', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (key) => {
        expect(modulo.shardFor(key)).toBe(`s${((key % 4n) + 4n) % 4n}`);
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (key) => {
        expect(modulo.shardFor(key)).toBe(modulo.shardFor(BigInt(key)));
      }),
    );
  });

  it('refuses keys that are not integers', () => {
    for (const key of ['1', 1.5, null, new Date(), Number.NaN]) expect(() => modulo.shardFor(key)).toThrow(ShardKeyTypeError);
  });

  it('refuses a configuration that misses or repeats a remainder', () => {
    expect(
      () =>
        new ModuloStrategy(
          'userId',
          shards(3, (i) => ({ remainder: i })),
          4,
        ),
    ).toThrow(/none declares 3/);
    expect(
      () =>
        new ModuloStrategy(
          'userId',
          shards(2, () => ({ remainder: 0 })),
          2,
        ),
    ).toThrow(ShardingConfigError);
    expect(
      () =>
        new ModuloStrategy(
          'userId',
          shards(2, (i) => ({ remainder: i + 4 })),
          2,
        ),
    ).toThrow(/not below the modulus/);
  });

  it('writes a SQL predicate per shard', () => {
    expect(modulo.sqlPredicate('s3', 'user_id')).toBe('(((user_id) % 4) + 4) % 4 = 3');
  });
});

describe('HashStrategy', () => {
  const ranges = evenKeyRanges(4);
  const hash = new HashStrategy(
    'userId',
    shards(4, (i) => ({ keyRange: ranges[i] })),
  );

  it('names even Vitess ranges', () => {
    expect(ranges).toEqual(['-40', '40-80', '80-c0', 'c0-']);
    expect(evenKeyRanges(3)).toEqual(['-55', '55-aa', 'aa-']);
    expect(evenKeyRanges(1)).toEqual(['-']);
  });

  it('places every key on the shard whose key range holds its keyspace id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n })), (key) => {
        const id = keyspaceId(String(key));
        const expected = ranges.findIndex((text) => {
          const range = parseKeyRange(text);
          return id >= range.start && id < range.end;
        });
        expect(hash.shardFor(key)).toBe(`s${expected}`);
      }),
    );
  });

  it('hashes the key text PostgreSQL would print: 42, 42n and "42" are the same key', () => {
    expect(hash.shardFor(42)).toBe(hash.shardFor(42n));
    expect(hash.shardFor(42)).toBe(hash.shardFor('42'));
    // md5('1') = c4ca4238a0b92382…, so keyspace id 0xc4ca… lies in c0-.
    expect(keyspaceId('1').toString(16)).toBe('c4ca4238a0b92382');
    expect(hash.shardFor(1)).toBe('s3');
  });

  it('refuses keys it cannot print like PostgreSQL', () => {
    for (const key of [1.5, new Date(), null, { id: 1 }]) expect(() => hash.shardFor(key)).toThrow(ShardKeyTypeError);
  });

  it('refuses key ranges with a gap, an overlap or a closed end', () => {
    const build = (list: string[]) => () =>
      new HashStrategy(
        'k',
        list.map((keyRange, i) => ({ name: `s${i}`, database: `d${i}`, keyRange })),
      );
    expect(build(['-40', '80-'])).toThrow(/gap/);
    expect(build(['-80', '40-'])).toThrow(/overlaps/);
    expect(build(['-80', '80-c0'])).toThrow(/open-ended/);
    expect(build(['-'])).not.toThrow();
  });

  it('writes SQL predicates over the hex keyspace id', () => {
    expect(hash.sqlPredicate('s0', 'user_id')).toBe(`substr(md5((user_id)::text), 1, 16) COLLATE "C" < '4000000000000000'`);
    expect(hash.sqlPredicate('s3', 'user_id')).toBe(`substr(md5((user_id)::text), 1, 16) COLLATE "C" >= 'c000000000000000'`);
  });
});

describe('RangeStrategy', () => {
  const byYear = new RangeStrategy('createdDate', [
    { name: 'storage_2024', database: 'd1', range: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } },
    { name: 'storage_2025', database: 'd2', range: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
  ]);

  it('places dates by [from, to)', () => {
    expect(byYear.shardFor(new Date('2024-12-31T23:59:59.999Z'))).toBe('storage_2024');
    expect(byYear.shardFor(new Date('2025-01-01T00:00:00Z'))).toBe('storage_2025');
    expect(byYear.shardFor('2025-06-01T00:00:00Z')).toBe('storage_2025');
  });

  it('refuses a date outside every range, naming the ranges', () => {
    expect(() => byYear.shardFor(new Date('2026-01-01T00:00:00Z'))).toThrow(ShardKeyOutOfRangeError);
    expect(() => byYear.shardFor(new Date('2023-01-01T00:00:00Z'))).toThrow(
      /storage_2024 \[2024-01-01T00:00:00Z, 2025-01-01T00:00:00Z\), storage_2025/,
    );
  });

  it('accepts an open-ended last shard', () => {
    const open = new RangeStrategy('k', [
      { name: 'a', database: 'a', range: { from: 0, to: 100 } },
      { name: 'b', database: 'b', range: { from: 100 } },
    ]);
    expect(open.shardFor(10 ** 12)).toBe('b');
    expect(() => open.shardFor(-1)).toThrow(ShardKeyOutOfRangeError);
    expect(() => open.shardFor(new Date())).toThrow(ShardKeyTypeError);
  });

  it('refuses wrong key types', () => {
    for (const key of [2025, '2025', 'not a date', null]) expect(() => byYear.shardFor(key)).toThrow(ShardKeyTypeError);
  });

  it('picks exactly the shards a range predicate overlaps', () => {
    const numeric = new RangeStrategy('k', [
      { name: 'a', database: 'a', range: { from: 0, to: 10 } },
      { name: 'b', database: 'b', range: { from: 10, to: 20 } },
      { name: 'c', database: 'c', range: { from: 20 } },
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 30 }),
        fc.integer({ min: -5, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        (low, high, strictLow, strictHigh) => {
          const bounds = { [strictLow ? 'gt' : 'gte']: low, [strictHigh ? 'lt' : 'lte']: high };
          // Integer keys only: the shards that hold at least one key in the bounds.
          const expected = new Set<string>();
          for (let key = Math.max(0, low); key <= Math.min(30, high); key++) {
            if ((strictLow && key <= low) || (strictHigh && key >= high)) continue;
            expected.add(numeric.shardFor(key));
          }
          const chosen = numeric.shardsWithin(bounds);
          for (const shard of expected) expect(chosen).toContain(shard);
        },
      ),
    );
    expect(numeric.shardsWithin({ gte: 10, lt: 20 })).toEqual(['b']);
    expect(numeric.shardsWithin({ gt: 9, lte: 10 })).toEqual(['a', 'b']);
    expect(numeric.shardsWithin({ lt: 0 })).toEqual([]);
    expect(numeric.shardsWithin({ gte: 25 })).toEqual(['c']);
  });

  it('refuses overlapping ranges and mixed bound types', () => {
    expect(
      () =>
        new RangeStrategy('k', [
          { name: 'a', database: 'a', range: { from: 0, to: 10 } },
          { name: 'b', database: 'b', range: { from: 5 } },
        ]),
    ).toThrow(/overlap/);
    expect(() => new RangeStrategy('k', [{ name: 'a', database: 'a', range: { from: 0, to: '2024-01-01' } }])).toThrow(/not a mix/);
  });
});

describe('createShardingStrategy with a rollover', () => {
  const sharding: Sharding = {
    strategy: 'range',
    key: 'createdDate',
    models: ['StorageObject'],
    referenceModels: [],
    singleModels: {},
    shards: [
      { name: 'storage_2025', database: 'neo_storage_2025', range: { from: '2025-01-01', to: '2026-01-01' } },
      { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
    ],
    rollover: { every: 'year', aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' },
  };
  const nextYear = new Date('2027-03-01T00:00:00Z');

  it("keeps next year's keys on the open-ended shard before January 1 minus aheadDays", () => {
    const strategy = createShardingStrategy(sharding, new Date('2026-12-01T00:00:00Z'));
    expect(strategy.shardNames).toEqual(['storage_2025', 'storage_2026']);
    expect(strategy.shardFor(nextYear)).toBe('storage_2026');
  });

  it("routes next year's keys to their own shard from then on, and this year's stay where they are", () => {
    const strategy = createShardingStrategy(sharding, new Date('2026-12-02T00:00:00Z'));
    expect(strategy.shardNames).toEqual(['storage_2025', 'storage_2026', 'storage_2027']);
    expect(strategy.shardFor(nextYear)).toBe('storage_2027');
    expect(strategy.shardFor(new Date('2026-12-31T23:59:59.999Z'))).toBe('storage_2026');
    expect(strategy.shardsWithin({ gte: new Date('2026-12-01T00:00:00Z') })).toEqual(['storage_2026', 'storage_2027']);
  });
});
