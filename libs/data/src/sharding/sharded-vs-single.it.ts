import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../generated/sharding-fixture/client.js';
import type { Sharding } from '@neo/topology';
import { evenKeyRanges } from './key-range.js';
import { isDecimal } from './merge/compare-values.js';
import { createShardedClient, type ShardedClient } from './sharded-client.js';
import {
  aggregateArbitrary,
  findManyArbitrary,
  groupByArbitrary,
  transactionRowsArbitrary,
  type TransactionRow,
} from './test-support/query-shapes.js';
import { createShardedFixture, type ShardedFixture } from './test-support/sharded-fixture.js';

/**
 * The sharded client must answer exactly as one database holding the same rows: random
 * rows, random query shapes, 4 real shard databases against 1 unsharded database.
 */

const MAX_ROWS = 40;
const NULLABLE_FIELDS = new Set(['note', 'fee', 'contractId']);
let server: ScratchPostgres;
let fixture: ShardedFixture;
const clients: Record<'modulo' | 'hash', ShardedClient<PrismaClient>> = {} as never;

function shardingOf(strategy: 'modulo' | 'hash', shardNames: string[]): Sharding {
  const ranges = evenKeyRanges(shardNames.length);
  return {
    strategy,
    key: 'userId',
    models: ['Transaction', 'TransactionEvent'],
    referenceModels: ['Contract'],
    singleModels: {},
    modulus: strategy === 'modulo' ? shardNames.length : undefined,
    shards: shardNames.map((name, i) => ({
      name,
      database: name,
      ...(strategy === 'modulo' ? { remainder: i } : { keyRange: ranges[i] }),
    })),
  };
}

beforeAll(async () => {
  server = await startScratchPostgres();
  fixture = await createShardedFixture(server);
  for (const strategy of ['modulo', 'hash'] as const) {
    clients[strategy] = createShardedClient({
      sharding: shardingOf(strategy, fixture.shardNames),
      shards: fixture.shardNames.map((name) => ({ name, client: fixture.shardClients.get(name)! })),
      concurrency: 2,
    });
  }
});

afterAll(async () => {
  await fixture?.dispose();
  await server?.stop();
});

async function load(strategy: 'modulo' | 'hash', rows: TransactionRow[]): Promise<void> {
  await fixture.truncateAll();
  if (rows.length === 0) return;
  await fixture.single.transaction.createMany({ data: rows });
  await clients[strategy].transaction.createMany({ data: rows });
}

/** Values both sides may spell differently but mean the same: float rounding, Dates. Decimals must match digit for digit. */
function comparable(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (isDecimal(value)) return `Decimal(${value.toFixed()})`;
  if (typeof value === 'number') return Number(value.toPrecision(12));
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, inner]) => [key, comparable(inner)]),
    );
  }
  return value;
}

/** Both sides fail alike, or answer alike. */
async function sameAnswer(single: () => Promise<unknown>, sharded: () => Promise<unknown>, sortRows = false): Promise<void> {
  const expected = await single().then(comparable, (error: unknown) => ({ failed: (error as Error).constructor.name }));
  const actual = await sharded().then(comparable, (error: unknown) => ({
    failed: (error as Error).constructor.name,
    message: (error as Error).message,
  }));
  const sorted = (value: unknown) => (sortRows && Array.isArray(value) ? [...value].map((row) => JSON.stringify(row)).sort() : value);
  expect(sorted(actual)).toEqual(sorted(expected));
}

const RUNS = Number(process.env.SHARDING_PROPERTY_RUNS ?? 15);
/** Property runs hit real databases; on a busy 2-core machine they need room. */
const PROPERTY_TIMEOUT_MS = 300_000;

describe.each(['modulo', 'hash'] as const)('%s sharding over 4 databases answers like one database', (strategy) => {
  it(
    'puts every row on exactly the shard the strategy says (checked with the SQL form of the strategy)',
    async () => {
      await fc.assert(
        fc.asyncProperty(transactionRowsArbitrary(MAX_ROWS), async (rows) => {
          await load(strategy, rows);
          const router = clients[strategy].$router;
          let total = 0;
          for (const shard of fixture.shardNames) {
            const predicate = router.strategy.sqlPredicate(shard, 'user_id');
            const misplaced = await fixture.sql(shard, `SELECT count(*)::int AS n FROM transactions WHERE NOT (${predicate})`);
            expect(misplaced.rows[0].n).toBe(0);
            const here = await fixture.sql(shard, 'SELECT id::text AS id, user_id FROM transactions');
            for (const row of here.rows as Array<{ id: string; user_id: number }>) expect(router.shardForKey(row.user_id)).toBe(shard);
            total += here.rowCount ?? 0;
          }
          expect(total).toBe(rows.length);
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'findMany: filters, total orders, take/skip (also negative), cursor, distinct, select',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          transactionRowsArbitrary(MAX_ROWS),
          fc.array(findManyArbitrary(MAX_ROWS), { minLength: 1, maxLength: 6 }),
          async (rows, queries) => {
            await load(strategy, rows);
            for (const query of queries) {
              const args = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as never;
              // Known differences over a nullable order field: paging backwards (negative take) from a cursor, and a
              // cursor together with `distinct`, one database's Prisma leaves out rows whose value is NULL (its cursor
              // condition compares with NULL); the router places NULLs as PostgreSQL orders them.
              const overNullableOrder = query.orderBy.some((term) => Object.keys(term).some((field) => NULLABLE_FIELDS.has(field)));
              const backwardsOverNulls = query.cursor && overNullableOrder && ((query.take ?? 0) < 0 || query.distinct !== undefined);
              if (!backwardsOverNulls) {
                await sameAnswer(
                  () => fixture.single.transaction.findMany(args),
                  () => clients[strategy].transaction.findMany(args),
                );
                // findFirst takes only 1 or -1.
                const firstArgs = {
                  ...(args as Record<string, unknown>),
                  take: query.take === undefined ? undefined : Math.sign(query.take),
                } as never;
                await sameAnswer(
                  () => fixture.single.transaction.findFirst(firstArgs),
                  () => clients[strategy].transaction.findFirst(firstArgs),
                );
              }
              // Prisma refuses count with a cursor on one database ("cursor and orderBy combination"), so there is nothing to compare with.
              const { select: _select, distinct: _distinct, cursor: _cursor, ...countArgs } = args as Record<string, unknown>;
              await sameAnswer(
                () => fixture.single.transaction.count(countArgs as never),
                () => clients[strategy].transaction.count(countArgs as never),
              );
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'aggregate: _count, _sum, _avg, _min, _max, also over a window',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          transactionRowsArbitrary(MAX_ROWS),
          fc.array(aggregateArbitrary, { minLength: 1, maxLength: 6 }),
          async (rows, queries) => {
            await load(strategy, rows);
            for (const { window, ...query } of queries) {
              // Prisma refuses an aggregate that asks for nothing.
              if (!query._count && !query._sum && !query._avg && !query._min && !query._max) continue;
              const args = Object.fromEntries(Object.entries({ ...query, ...window }).filter(([, value]) => value !== undefined)) as never;
              await sameAnswer(
                () => fixture.single.transaction.aggregate(args),
                () => clients[strategy].transaction.aggregate(args),
              );
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('a cursor row outside the where: empty over a nullable order field, the rows after it over required ones', async () => {
    const row = (n: number, amount: number, note: string | null) => ({
      id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
      userId: n,
      status: 'new',
      amount,
      fee: null,
      contractId: null,
      note,
      createdAt: new Date('2025-01-01T00:00:00Z'),
    });
    await load(strategy, [row(0, 1, 'a'), row(1, 0, null), row(2, 0, 'b'), row(3, 2, 'c')]);
    const cursor = { id: row(0, 1, 'a').id };
    const queries: Array<Parameters<PrismaClient['transaction']['findMany']>[0]> = [
      { where: { amount: { lte: 0 } }, orderBy: [{ note: 'asc' as const }, { id: 'asc' as const }], cursor },
      { where: { amount: { lte: 0 } }, orderBy: [{ id: 'asc' as const }], cursor },
      { where: { note: 'c' }, orderBy: [{ amount: 'asc' as const }, { id: 'asc' as const }], cursor },
    ];
    for (const query of queries) {
      await sameAnswer(
        () => fixture.single.transaction.findMany(query),
        () => clients[strategy].transaction.findMany(query),
      );
    }
  });

  it('Decimal _avg equals the one database answer digit for digit, whatever the magnitude', async () => {
    const fees = ['0.01', '0.02', '0.02', '9999999999.99', '0.00', '1234.56', '-0.07'];
    for (const count of [3, 4, fees.length]) {
      const rows = fees.slice(0, count).map((fee, i) => ({
        id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        userId: i * 7 + 1,
        status: 'new',
        amount: i,
        fee,
        contractId: null,
        note: null,
        createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)),
      }));
      await load(strategy, rows);
      const ask = { _avg: { fee: true, amount: true }, _sum: { fee: true } } as const;
      const single = await fixture.single.transaction.aggregate(ask);
      const sharded = await clients[strategy].transaction.aggregate(ask);
      expect(sharded._avg.fee?.toFixed()).toBe(single._avg.fee?.toFixed());
      expect(sharded._avg.amount).toBe(single._avg.amount);
      const sql = await fixture.sql('single', 'SELECT avg(fee)::text AS avg FROM transactions');
      expect(sharded._avg.fee?.toFixed()).toBe(String(sql.rows[0].avg).replace(/\.?0+$/, ''));
      const grouped = await clients[strategy].transaction.groupBy({ by: ['status'], _avg: { fee: true } });
      expect(grouped[0]?._avg.fee?.toFixed()).toBe(single._avg.fee?.toFixed());
    }
  });

  it(
    'groupBy: mergeable aggregates, having, orderBy with take/skip',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          transactionRowsArbitrary(MAX_ROWS),
          fc.array(groupByArbitrary, { minLength: 1, maxLength: 6 }),
          async (rows, queries) => {
            await load(strategy, rows);
            for (const { window, orderByAggregate, ...query } of queries) {
              const byOrder = query.by.map((field) => ({ [field]: 'asc' }));
              const orderBy = window || orderByAggregate ? [...(orderByAggregate ? [orderByAggregate] : []), ...byOrder] : undefined;
              const args = Object.fromEntries(
                Object.entries({ ...query, ...window, orderBy }).filter(([, value]) => value !== undefined),
              ) as never;
              await sameAnswer(
                () => fixture.single.transaction.groupBy(args),
                () => clients[strategy].transaction.groupBy(args),
                orderBy === undefined,
              );
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
