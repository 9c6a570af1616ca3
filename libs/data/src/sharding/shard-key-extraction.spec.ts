import { describe, expect, it } from 'vitest';
import { resolveDestination } from './destination.js';
import { ModuloStrategy } from './modulo.strategy.js';
import { RangeStrategy } from './range.strategy.js';
import { destinationOfWhere, keyOfData, keyUpdateOfData } from './shard-key-extraction.js';

const modulo = new ModuloStrategy(
  'userId',
  ['s0', 's1', 's2', 's3'].map((name, remainder) => ({ name, database: name, remainder })),
  4,
);
const shardsOf = (where: unknown) => resolveDestination(destinationOfWhere(modulo, where), modulo.shardNames);

describe('reading the shard key out of a where', () => {
  it('equality goes to one shard, in to its shards', () => {
    expect(shardsOf({ userId: 5 })).toEqual(['s1']);
    expect(shardsOf({ userId: { equals: 6 } })).toEqual(['s2']);
    expect(shardsOf({ userId: { in: [1, 5, 3] } })).toEqual(['s1', 's3']);
    expect(shardsOf({ userId: { in: [] } })).toEqual([]);
  });

  it('no key, NOT and notIn go everywhere', () => {
    for (const where of [
      undefined,
      {},
      { status: 'x' },
      { NOT: { userId: 1 } },
      { userId: { notIn: [1] } },
      { userId: { not: 1 } },
      { userId: null },
    ]) {
      expect(shardsOf(where)).toEqual(['s0', 's1', 's2', 's3']);
    }
  });

  it('AND intersects and OR unites', () => {
    expect(shardsOf({ AND: [{ userId: { in: [1, 2] } }, { userId: { in: [2, 3] } }] })).toEqual(['s2']);
    expect(shardsOf({ userId: 1, AND: { status: 'x' } })).toEqual(['s1']);
    expect(shardsOf({ OR: [{ userId: 1 }, { userId: 2 }] })).toEqual(['s1', 's2']);
    expect(shardsOf({ OR: [{ userId: 1 }, { status: 'x' }] })).toEqual(['s0', 's1', 's2', 's3']);
    expect(shardsOf({ OR: [] })).toEqual([]);
  });

  it('reads compound unique inputs', () => {
    expect(shardsOf({ userId_id: { userId: 7, id: 'a' } })).toEqual(['s3']);
  });

  it('narrows range predicates only for range sharding', () => {
    expect(shardsOf({ userId: { gte: 1, lt: 2 } })).toEqual(['s0', 's1', 's2', 's3']);
    const range = new RangeStrategy('day', [
      { name: 'a', database: 'a', range: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } },
      { name: 'b', database: 'b', range: { from: '2025-01-01T00:00:00Z' } },
    ]);
    const where = { day: { gte: new Date('2025-03-01T00:00:00Z') }, AND: [{ day: { lt: new Date('2026-01-01T00:00:00Z') } }] };
    expect(resolveDestination(destinationOfWhere(range, where), range.shardNames)).toEqual(['b']);
  });

  it('takes a key outside every range for one that matches no row: no shard, not an error', () => {
    const range = new RangeStrategy('day', [
      { name: 'a', database: 'a', range: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } },
      { name: 'c', database: 'c', range: { from: '2026-01-01T00:00:00Z' } },
    ]);
    const shards = (where: unknown) => resolveDestination(destinationOfWhere(range, where), range.shardNames);
    const before = new Date('2020-01-01T00:00:00Z');
    const inGap = new Date('2025-06-01T00:00:00Z');
    expect(shards({ day: before })).toEqual([]);
    expect(shards({ day: { equals: inGap } })).toEqual([]);
    expect(shards({ day: { in: [before, new Date('2024-05-01T00:00:00Z')] } })).toEqual(['a']);
    // A listing's "after this position" filter: the equality names no shard, the bound still does.
    expect(shards({ OR: [{ day: { lt: inGap } }, { day: inGap, id: { lt: 'x' } }] })).toEqual(['a']);
    // A key of the wrong type is still refused.
    expect(() => shards({ day: 'yesterday' })).toThrow();
  });

  it('reads the key of new rows and of key updates', () => {
    expect(keyOfData(modulo, { userId: 3, amount: 1 })).toBe(3);
    expect(keyOfData(modulo, { amount: 1 })).toBeUndefined();
    expect(keyUpdateOfData(modulo, { userId: { set: 9 } })).toEqual({ value: 9 });
    expect(keyUpdateOfData(modulo, { status: 'x' })).toBeUndefined();
    expect(typeof keyUpdateOfData(modulo, { userId: { increment: 1 } })?.value).toBe('symbol');
  });
});
