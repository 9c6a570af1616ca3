import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sharding } from '@neo/topology';
import { RelationFields } from '../prisma-call/index.js';
import type { ShardFailure } from './fan-out.js';
import { FieldNullability } from './field-nullability.js';
import { FirstRoundDepths } from './first-round-depths.js';
import { compareCodePoints } from './merge/compare-values.js';
import { mergeRows } from './merge/merge-rows.js';
import { compareByOrder, normalizeOrderBy, type Row } from './merge/order-by.js';
import type { ShardCallContext } from './shard-call-context.js';
import { ShardRouter } from './shard-router.js';
import { findManyAcross } from './sharded-reads.js';

/**
 * Merged `findMany` windows over fake shards (in-memory rows, ordered as PostgreSQL orders them):
 * each shard is first asked for a share of the window, and the answer must stay the one a single
 * database (and asking every shard for the whole window) gives. Real databases: sharded-vs-single.it.ts.
 */

const SHARDS = ['s0', 's1', 's2', 's3'];
const sharding: Sharding = {
  strategy: 'modulo',
  key: 'userId',
  models: ['Transaction'],
  referenceModels: [],
  singleModels: {},
  modulus: SHARDS.length,
  shards: SHARDS.map((name, remainder) => ({ name, database: name, remainder })),
};

type Args = Record<string, unknown>;

/** What a database returns for `findMany`: its rows in the order, `take` rows (negative: the last ones). */
function answerOf(rows: readonly Row[], args: Args): Row[] {
  const sorted = [...rows].sort(compareByOrder(normalizeOrderBy(args.orderBy, 'Transaction'), compareCodePoints));
  const take = args.take as number | undefined;
  if (take === undefined) return sorted;
  return take < 0 ? sorted.slice(Math.max(0, sorted.length + take)) : sorted.slice(0, take);
}

interface FakeShards {
  context: ShardCallContext;
  /** Every shard call made, in order: which shard and which `take`. */
  calls: Array<{ shard: string; take: unknown }>;
  /** The rows of each shard, replaceable between calls. */
  rows: Map<string, Row[]>;
}

function fakeShards(
  rowsByShard: Row[][],
  options: { failures?: ShardFailure[]; fails?: (shard: string, callNumber: number) => boolean } = {},
): FakeShards {
  const rows = new Map(SHARDS.map((shard, i) => [shard, rowsByShard[i] ?? []]));
  const calls: FakeShards['calls'] = [];
  const context: ShardCallContext = {
    router: new ShardRouter(sharding),
    model: 'Transaction',
    call: async (shard, operation, args) => {
      expect(operation).toBe('findMany');
      calls.push({ shard, take: args.take });
      if (options.fails?.(shard, calls.filter((call) => call.shard === shard).length)) throw new Error(`${shard} is down`);
      return answerOf(rows.get(shard) ?? [], args);
    },
    fanOut: { concurrency: 4, failures: options.failures },
    compareStrings: compareCodePoints,
    nullability: new FieldNullability(),
    relations: new RelationFields(undefined),
    firstRoundDepths: new FirstRoundDepths(),
  };
  return { context, calls, rows };
}

/** The window one database returns (Prisma's skip/take, a negative take counting from the end). */
function oneDatabaseWindow(rows: readonly Row[], args: { orderBy: unknown; take?: number; skip?: number }): Row[] {
  const sorted = answerOf(rows, { orderBy: args.orderBy });
  const skip = args.skip ?? 0;
  if (args.take === undefined) return sorted.slice(skip);
  if (args.take < 0) {
    const end = Math.max(0, sorted.length - skip);
    return sorted.slice(Math.max(0, end + args.take), end);
  }
  return sorted.slice(skip, skip + args.take);
}

/** What the merge gave before first rounds existed: every shard asked for the whole window (skip + |take|). */
function everyShardInFull(rowsByShard: Row[][], args: { orderBy: unknown; take?: number; skip?: number }): Row[] {
  const skip = args.skip ?? 0;
  const depth = args.take === undefined ? undefined : skip + Math.abs(args.take);
  const fromEnd = args.take !== undefined && args.take < 0;
  const parts = rowsByShard.map((rows) =>
    answerOf(rows, { orderBy: args.orderBy, take: depth === undefined ? undefined : fromEnd ? -depth : depth }),
  );
  const order = normalizeOrderBy(args.orderBy, 'Transaction');
  return mergeRows(
    parts,
    { order, distinct: [], skip, take: args.take === undefined ? undefined : Math.abs(args.take), fromEnd, strip: [] },
    compareCodePoints,
  );
}

/** `count` rows whose `createdAt` second is `from`, `from + step`, …; ids tell the shard and position. */
const rowsAt = (shard: string, from: number, count: number, step = 1): Row[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${shard}-${String(i).padStart(3, '0')}`,
    createdAt: new Date((from + i * step) * 1000),
  }));

const newestFirst = [{ createdAt: 'desc' }, { id: 'asc' }];

describe('findManyAcross: first-round shares of the window', () => {
  const rowArbitrary = fc.record({
    score: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    name: fc.option(fc.constantFrom('a', 'B', 'é'), { nil: null }),
  });
  const orderArbitrary = fc
    .subarray(['score', 'name'])
    .chain((fields) =>
      fc.tuple(
        ...fields.map((field) =>
          fc.record({ sort: fc.constantFrom('asc', 'desc'), nulls: fc.constantFrom('first', 'last') }).map((term) => ({ [field]: term })),
        ),
      ),
    )
    .map((terms) => [...terms, { id: 'asc' }]);
  // Rows spread at random, all on one shard, or on the shard of their score (an order the shards follow).
  const placementArbitrary = fc.constantFrom('random', 'one shard', 'by score');

  it('answers like one database, and like asking every shard for the whole window, for any placement, order, skip and take', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArbitrary, { maxLength: 80 }),
        fc.array(fc.nat(3), { minLength: 80, maxLength: 80 }),
        placementArbitrary,
        orderArbitrary,
        fc.option(
          fc.integer({ min: -30, max: 30 }).filter((take) => take !== 0),
          { nil: undefined },
        ),
        fc.option(fc.nat(6), { nil: undefined }),
        async (values, randomShard, placement, orderBy, take, skip) => {
          const rows = values.map((value, i) => ({ id: `r${String(i).padStart(3, '0')}`, ...value }));
          const shardOf = (row: (typeof rows)[number], i: number) =>
            placement === 'random' ? (randomShard[i] ?? 0) : placement === 'one shard' ? 0 : (row.score ?? 0) % SHARDS.length;
          const rowsByShard = SHARDS.map((_, shard) => rows.filter((row, i) => shardOf(row, i) === shard));
          const args = { orderBy, take, skip };
          const { context } = fakeShards(rowsByShard);
          // Twice: the second call starts from what the first one learned about the shards.
          for (let call = 0; call < 2; call++) {
            const merged = await findManyAcross(context, SHARDS, args);
            expect(merged).toEqual(oneDatabaseWindow(rows, args));
            expect(merged).toEqual(everyShardInFull(rowsByShard, args));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('asks each shard for its share first, and asks again only a shard that may hold more of the window', async () => {
    // s0 holds the 40 newest rows, the other shards older ones.
    const { context, calls } = fakeShards([rowsAt('s0', 1000, 40), rowsAt('s1', 0, 30), rowsAt('s2', 10, 30), rowsAt('s3', 20, 30)]);
    const page = await findManyAcross(context, SHARDS, { orderBy: newestFirst, take: 20 });
    expect(page.map((row) => row.id)).toEqual(
      rowsAt('s0', 1000, 40)
        .slice(20)
        .reverse()
        .map((row) => row.id),
    );
    const share = FirstRoundDepths.share(20, 4);
    expect(share).toBe(12);
    expect(calls).toEqual([...SHARDS.map((shard) => ({ shard, take: share })), { shard: 's0', take: 20 }]);
  });

  it('asks a shard that needed the whole window for it at once next time, until the rows spread again', async () => {
    const { context, calls, rows } = fakeShards([rowsAt('s0', 1000, 40), rowsAt('s1', 0, 30), rowsAt('s2', 10, 30), rowsAt('s3', 20, 30)]);
    const page = { orderBy: newestFirst, take: 20 };
    await findManyAcross(context, SHARDS, page);
    calls.length = 0;
    await findManyAcross(context, SHARDS, page);
    expect(calls).toEqual([
      { shard: 's0', take: 20 },
      { shard: 's1', take: 12 },
      { shard: 's2', take: 12 },
      { shard: 's3', take: 12 },
    ]);
    // Another order is another kind of call: nothing is remembered for it.
    calls.length = 0;
    await findManyAcross(context, SHARDS, { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 20 });
    expect(calls.slice(0, 4).map((call) => call.take)).toEqual([12, 12, 12, 12]);

    // The rows spread evenly (shard i holds seconds i, i + 4, …): s0 is still asked in full once, then gets its share again.
    for (const [i, shard] of SHARDS.entries()) rows.set(shard, rowsAt(shard, 2000 + i, 30, SHARDS.length));
    calls.length = 0;
    await findManyAcross(context, SHARDS, page);
    expect(calls.find((call) => call.shard === 's0')?.take).toBe(20);
    calls.length = 0;
    const spread = await findManyAcross(context, SHARDS, page);
    expect(calls.map((call) => call.take)).toEqual([12, 12, 12, 12]);
    expect(spread).toEqual(oneDatabaseWindow([...rows.values()].flat(), page));
  });

  it('reads a negative take from the end of the order, first rounds included', async () => {
    const { context, calls } = fakeShards([rowsAt('s0', 1000, 40), rowsAt('s1', 0, 30), rowsAt('s2', 10, 30), rowsAt('s3', 20, 30)]);
    const args = { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: -20, skip: 2 };
    const page = await findManyAcross(context, SHARDS, args);
    expect(page.map((row) => row.id)).toEqual(
      rowsAt('s0', 1000, 40)
        .slice(18, 38)
        .map((row) => row.id),
    );
    const share = FirstRoundDepths.share(22, 4);
    expect(calls).toEqual([...SHARDS.map((shard) => ({ shard, take: -share })), { shard: 's0', take: -22 }]);
  });

  it('leaves out, and names, a shard whose second round fails when partial results are allowed', async () => {
    const failures: ShardFailure[] = [];
    const { context } = fakeShards([rowsAt('s0', 1000, 40), rowsAt('s1', 0, 30), rowsAt('s2', 10, 30), rowsAt('s3', 20, 30)], {
      failures,
      fails: (shard, callNumber) => shard === 's0' && callNumber === 2,
    });
    const page = await findManyAcross(context, SHARDS, { orderBy: newestFirst, take: 20 });
    expect(failures.map((failure) => failure.shard)).toEqual(['s0']);
    expect(page.some((row) => String(row.id).startsWith('s0'))).toBe(false);
    expect(page).toEqual(
      oneDatabaseWindow([rowsAt('s1', 0, 30), rowsAt('s2', 10, 30), rowsAt('s3', 20, 30)].flat(), { orderBy: newestFirst, take: 20 }),
    );
  });

  it('asks every shard for the whole window with distinct, and for every row without take', async () => {
    const { context, calls } = fakeShards([rowsAt('s0', 0, 30), rowsAt('s1', 0, 30), rowsAt('s2', 0, 30), rowsAt('s3', 0, 30)]);
    await findManyAcross(context, SHARDS, { orderBy: newestFirst, take: 20, skip: 5, distinct: ['createdAt'] });
    expect(calls.map((call) => call.take)).toEqual([25, 25, 25, 25]);
    calls.length = 0;
    await findManyAcross(context, SHARDS, { orderBy: newestFirst, skip: 5 });
    expect(calls.map((call) => call.take)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('FirstRoundDepths', () => {
  it('asks for an even share plus three standard deviations, never more than the window', () => {
    expect(FirstRoundDepths.share(50, 4)).toBe(24);
    expect(FirstRoundDepths.share(100, 4)).toBe(40);
    expect(FirstRoundDepths.share(5, 4)).toBe(5);
    expect(FirstRoundDepths.share(1, 2)).toBe(1);
  });

  it('remembers a bounded number of kinds of calls, forgetting the oldest first', () => {
    const depths = new FirstRoundDepths(2);
    for (const kind of ['a', 'b', 'c']) depths.remember(kind, new Set(['s0']));
    expect(depths.limits('a', SHARDS, 50).get('s0')).toBe(24);
    expect(depths.limits('b', SHARDS, 50).get('s0')).toBe(50);
    expect(depths.limits('c', SHARDS, 50).get('s0')).toBe(50);
    depths.remember('c', new Set());
    expect(depths.limits('c', SHARDS, 50).get('s0')).toBe(24);
  });
});
