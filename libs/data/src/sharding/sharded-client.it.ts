// From the test library, so NEO_TEST_PROVIDER=testcontainers runs it against a container.
import { startScratchPostgres, type ScratchPostgres } from '@neo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../generated/sharding-fixture/client.js';
import type { Sharding } from '@neo/topology';
import { uuidv7 } from './ids/uuidv7.js';
import { createShardedClient, type ShardedClient } from './sharded-client.js';
import {
  CrossShardTransactionError,
  NestedWriteShardError,
  ShardKeyOutOfRangeError,
  ShardKeyRequiredError,
  ShardKeyTypeError,
  ShardQueryError,
} from './sharding.errors.js';
import { createShardedFixture, type ShardedFixture } from './test-support/sharded-fixture.js';

let server: ScratchPostgres;
let fixture: ShardedFixture;
let db: ShardedClient<PrismaClient>;

const sharding = (shardNames: string[]): Sharding => ({
  strategy: 'modulo',
  key: 'userId',
  models: ['Transaction', 'TransactionEvent'],
  referenceModels: ['Contract'],
  singleModels: { AuditEntry: 's2' },
  modulus: shardNames.length,
  shards: shardNames.map((name, remainder) => ({ name, database: name, remainder })),
});

beforeAll(async () => {
  server = await startScratchPostgres();
  fixture = await createShardedFixture(server);
  db = createShardedClient({
    sharding: sharding(fixture.shardNames),
    shards: fixture.shardNames.map((name) => ({ name, client: fixture.shardClients.get(name)! })),
    generatedIds: { Transaction: 'id' },
  });
});

afterAll(async () => {
  await fixture?.dispose();
  await server?.stop();
});

beforeEach(async () => {
  await fixture.truncateAll();
});

async function countOn(shard: string, table: string): Promise<number> {
  const result = await fixture.sql(shard, `SELECT count(*)::int AS n FROM ${table}`);
  return result.rows[0].n as number;
}

const tx = (userId: number, amount: number, createdAt = new Date(Date.UTC(2025, 0, 1, 0, 0, amount))) => ({
  userId,
  amount,
  status: 'new',
  createdAt,
});

describe('sharded client on real shard databases (modulo by userId over 4 shards)', () => {
  it('writes each row to the shard of its key and reads it back from there only', async () => {
    const created = await db.transaction.create({ data: tx(6, 10) });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await countOn('s2', 'transactions')).toBe(1);
    for (const other of ['s0', 's1', 's3']) expect(await countOn(other, 'transactions')).toBe(0);
    expect(await db.transaction.findFirst({ where: { userId: 6 } })).toMatchObject({ id: created.id, amount: 10 });
  });

  it('splits createMany rows per shard and merges a keyless read in order', async () => {
    const result = await db.transaction.createMany({ data: [1, 2, 3, 4, 5, 6, 7, 8].map((userId) => tx(userId, userId * 10)) });
    expect(result.count).toBe(8);
    for (const shard of fixture.shardNames) expect(await countOn(shard, 'transactions')).toBe(2);
    const page = await db.transaction.findMany({ orderBy: { amount: 'desc' }, take: 3, skip: 1, select: { userId: true } });
    expect(page).toEqual([{ userId: 7 }, { userId: 6 }, { userId: 5 }]);
    expect(await db.transaction.count()).toBe(8);
    expect(await db.transaction.aggregate({ _avg: { amount: true }, _max: { amount: true } })).toEqual({
      _avg: { amount: 45 },
      _max: { amount: 80 },
    });
  });

  it('keeps nested writes with their parent', async () => {
    await db.transaction.create({ data: { ...tx(3, 1), events: { create: [{ userId: 3, kind: 'submitted' }] } } });
    expect(await countOn('s3', 'transaction_events')).toBe(1);
    const found = await db.transaction.findMany({ where: { userId: 3 }, include: { events: true } });
    expect(found[0]?.events.map((event) => event.kind)).toEqual(['submitted']);
  });

  it('refuses a write without the shard key, and writes nothing', async () => {
    await db.transaction.createMany({ data: [tx(1, 1), tx(2, 2)] });
    await expect(db.transaction.updateMany({ where: { status: 'new' }, data: { status: 'done' } })).rejects.toBeInstanceOf(
      ShardKeyRequiredError,
    );
    await expect(db.transaction.create({ data: { amount: 1, status: 'x', createdAt: new Date() } as never })).rejects.toBeInstanceOf(
      ShardKeyRequiredError,
    );
    expect(await db.transaction.count({ where: { status: 'done' } })).toBe(0);
    // …unless the caller opts in.
    expect(await db.$allShards().transaction.updateMany({ where: { status: 'new' }, data: { status: 'done' } })).toEqual({ count: 2 });
  });

  it('refuses a key of the wrong type before anything is written', async () => {
    await expect(db.transaction.create({ data: { ...tx(1, 1), userId: '1' as never } })).rejects.toBeInstanceOf(ShardKeyTypeError);
    for (const shard of fixture.shardNames) expect(await countOn(shard, 'transactions')).toBe(0);
  });

  it('updates and deletes one record found by its key, and by scatter when opted in', async () => {
    const row = await db.transaction.create({ data: tx(5, 1) });
    await db.transaction.update({ where: { userId_id: { userId: 5, id: row.id } }, data: { status: 'paid' } });
    await expect(db.transaction.update({ where: { id: row.id }, data: { status: 'x' } })).rejects.toBeInstanceOf(ShardKeyRequiredError);
    await db.$allShards().transaction.update({ where: { id: row.id }, data: { status: 'settled' } });
    expect((await db.transaction.findUnique({ where: { id: row.id } }))?.status).toBe('settled');
    await db.$allShards().transaction.delete({ where: { id: row.id } });
    expect(await db.transaction.count()).toBe(0);
  });

  it('never writes a second row for an upsert whose where has no shard key', async () => {
    const row = await db.transaction.create({ data: tx(5, 1) }); // on s1
    const upsert = (client: ShardedClient<PrismaClient>, status: string) =>
      client.transaction.upsert({ where: { id: row.id }, create: { ...tx(2, 1), id: row.id, status }, update: { status } });
    await expect(upsert(db, 'again')).rejects.toBeInstanceOf(ShardKeyRequiredError);
    // Opted in: the row is found on its shard and updated there, as one database would.
    expect(await upsert(db.$allShards(), 'updated')).toMatchObject({ id: row.id, userId: 5, status: 'updated' });
    expect(await db.transaction.count()).toBe(1);
    expect(await countOn('s2', 'transactions')).toBe(0);
    // No row anywhere: created on the shard of its create data.
    const fresh = uuidv7();
    await db.$allShards().transaction.upsert({ where: { id: fresh }, create: { ...tx(2, 2), id: fresh }, update: { status: 'x' } });
    expect(await countOn('s2', 'transactions')).toBe(1);
    await expect(db.$transaction([upsert(db, 'batch')])).rejects.toBeInstanceOf(ShardKeyRequiredError);
    expect(await db.transaction.count()).toBe(2);
  });

  it('refuses nested writes that would put a related row on a shard its key does not map to, naming the path', async () => {
    const row = await db.transaction.create({ data: { ...tx(1, 1), events: { create: [{ userId: 1, kind: 'submitted' }] } } });
    const where = { userId_id: { userId: 1, id: row.id } };
    const refused = async (work: Promise<unknown>, path: string) => {
      const error = await work.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NestedWriteShardError);
      expect((error as NestedWriteShardError).path).toBe(path);
    };
    await refused(
      db.transaction.update({ where, data: { events: { updateMany: { where: {}, data: { userId: 2 } } } } }),
      'data.events.updateMany.data.userId',
    );
    await refused(
      db.transaction.update({ where, data: { events: { updateMany: { where: {}, data: { userId: { increment: 1 } } } } } }),
      'data.events.updateMany.data.userId',
    );
    await refused(
      db.transaction.create({ data: { ...tx(1, 2), events: { create: { userId: 2, kind: 'x' } } } }),
      'data.events.create.userId',
    );
    await refused(
      db.transaction.create({
        data: {
          ...tx(1, 2),
          events: {
            createMany: {
              data: [
                { userId: 1, kind: 'a' },
                { userId: 3, kind: 'b' },
              ],
            },
          },
        },
      }),
      'data.events.createMany.data[1].userId',
    );
    await refused(
      db.transaction.upsert({ where, create: { ...tx(1, 3), id: row.id }, update: { events: { create: { userId: 6, kind: 'x' } } } }),
      'update.events.create.userId',
    );
    await refused(
      db.$shard(1).transactionEvent.create({ data: { userId: 1, kind: 'x', transaction: { create: { ...tx(2, 4), id: uuidv7() } } } }),
      'data.transaction.create.userId',
    );
    // Nothing moved or was added; a key that stays on the same shard (1 → 5 on s1) is allowed.
    expect(await db.transactionEvent.findMany({ select: { userId: true } })).toEqual([{ userId: 1 }]);
    await db.transaction.update({ where, data: { events: { updateMany: { where: {}, data: { userId: 5 } } } } });
    expect(await db.transactionEvent.findMany({ where: { userId: 5 }, select: { kind: true } })).toEqual([{ kind: 'submitted' }]);
  });

  it('keeps every routing rule under $extends (query and result extensions), and routes the fluent relation API', async () => {
    const seen: string[] = [];
    const extended = db
      .$extends({
        query: {
          $allModels: {
            $allOperations({ operation, args, query }) {
              seen.push(operation);
              return query(args);
            },
          },
        },
      })
      .$extends({
        result: { transaction: { label: { needs: { status: true, amount: true }, compute: (row) => `${row.status}:${row.amount}` } } },
      });
    const created = await extended.transaction.create({ data: { ...tx(6, 10), events: { create: [{ userId: 6, kind: 'submitted' }] } } });
    expect(created.label).toBe('new:10');
    expect(await countOn('s2', 'transactions')).toBe(1);
    for (const other of ['s0', 's1', 's3']) expect(await countOn(other, 'transactions')).toBe(0);
    await extended.transaction.createMany({ data: [tx(1, 1), tx(3, 3)] });
    const page = await extended.transaction.findMany({ orderBy: { amount: 'asc' } });
    expect(page.map((row) => row.label)).toEqual(['new:1', 'new:3', 'new:10']);
    await expect(extended.transaction.updateMany({ where: { status: 'new' }, data: { status: 'x' } })).rejects.toBeInstanceOf(
      ShardKeyRequiredError,
    );
    await expect(extended.transaction.update({ where: { userId_id: { userId: 6, id: created.id } }, data: { userId: 7 } })).rejects.toThrow(
      /changes the shard key/,
    );
    expect(seen.slice(0, 2)).toEqual(['create', 'createMany']);
    expect(seen.filter((operation) => operation === 'findMany')).toHaveLength(4); // one per shard

    // Fluent relation API: a read, routed by its where, on the plain and the extended client.
    const where = { userId_id: { userId: 6, id: created.id } };
    expect((await db.transaction.findUnique({ where }).events())?.map((event) => event.kind)).toEqual(['submitted']);
    expect((await extended.transaction.findUnique({ where }).events())?.map((event) => event.kind)).toEqual(['submitted']);
    const event = await db.transactionEvent.findFirst({ where: { userId: 6 } });
    expect((await db.transactionEvent.findFirst({ where: { userId: 6 } }).transaction())?.amount).toBe(10);
    expect(await db.transactionEvent.findFirst({ where: { userId: 6, id: (event?.id ?? 0) + 1 } }).transaction()).toBeNull();
  });

  it('writes reference models to every shard and single models to their shard', async () => {
    await db.contract.create({ data: { id: 1, name: 'escrow' } });
    for (const shard of fixture.shardNames) expect(await countOn(shard, 'contracts')).toBe(1);
    expect(await db.contract.findMany()).toEqual([{ id: 1, name: 'escrow' }]);
    await db.auditEntry.create({ data: { message: 'hello' } });
    expect(await countOn('s2', 'audit_entries')).toBe(1);
    expect(await countOn('s0', 'audit_entries')).toBe(0);
  });

  it('runs interactive and batch transactions on one shard', async () => {
    await db.$shard(1).$transaction(async (inner) => {
      await inner.transaction.create({ data: { ...tx(1, 1), id: uuidv7() } });
      await inner.transaction.create({ data: { ...tx(5, 2), id: uuidv7() } });
    });
    expect(await countOn('s1', 'transactions')).toBe(2);
    await db.$transaction([db.transaction.create({ data: tx(2, 3) }), db.transaction.create({ data: tx(6, 4) })]);
    expect(await countOn('s2', 'transactions')).toBe(2);
  });

  it('refuses a transaction that would touch two shards, before anything is written', async () => {
    await expect(
      db.$shard(1).$transaction(async (inner) => {
        await inner.transaction.create({ data: { ...tx(1, 1), id: uuidv7() } });
        await inner.transaction.create({ data: { ...tx(2, 2), id: uuidv7() } });
      }),
    ).rejects.toBeInstanceOf(CrossShardTransactionError);
    await expect(
      db.$transaction([db.transaction.create({ data: tx(1, 3) }), db.transaction.create({ data: tx(2, 4) })]),
    ).rejects.toBeInstanceOf(CrossShardTransactionError);
    await expect(
      db
        .$shard(1)
        .$transaction([
          db.$shard(1).transaction.create({ data: { ...tx(1, 3), id: uuidv7() } }),
          db.$shard(1).transaction.create({ data: { ...tx(2, 4), id: uuidv7() } }),
        ]),
    ).rejects.toBeInstanceOf(CrossShardTransactionError);
    expect(await db.transaction.count()).toBe(0);
  });

  it('names the failing shard, or reports it as missing when partial results are allowed', async () => {
    await db.transaction.createMany({ data: [tx(1, 1), tx(2, 2)] });
    await fixture.sql('s3', 'ALTER TABLE transactions RENAME TO transactions_away');
    try {
      const failure = await db.transaction.findMany().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ShardQueryError);
      expect((failure as ShardQueryError).shard).toBe('s3');
      const partial = await db.$partial((client) => client.transaction.findMany({ orderBy: { amount: 'asc' } }));
      expect(partial.result.map((row) => row.amount)).toEqual([1, 2]);
      expect(partial.missingShards.map((missing) => missing.shard)).toEqual(['s3']);
    } finally {
      await fixture.sql('s3', 'ALTER TABLE transactions_away RENAME TO transactions');
    }
  });

  it('runs a call on every shard or one named shard for operators', async () => {
    await db.transaction.createMany({ data: [tx(1, 1), tx(5, 2), tx(2, 3)] });
    const counts = await db.$shards().each((client) => client.transaction.count());
    expect(counts).toEqual([
      { shard: 's0', result: 0 },
      { shard: 's1', result: 2 },
      { shard: 's2', result: 1 },
      { shard: 's3', result: 0 },
    ]);
    expect(await db.$shards().on('s1').transaction.count()).toBe(2);
  });
});

describe('range sharding by createdDate', () => {
  let ranged: ShardedClient<PrismaClient>;
  beforeAll(() => {
    ranged = createShardedClient({
      sharding: {
        strategy: 'range',
        key: 'createdDate',
        models: ['StoredObject'],
        referenceModels: [],
        singleModels: {},
        shards: [
          { name: 's0', database: 's0', range: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } },
          { name: 's1', database: 's1', range: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
          { name: 's2', database: 's2', range: { from: '2026-01-01T00:00:00Z' } },
        ],
      },
      shards: ['s0', 's1', 's2'].map((name) => ({ name, client: fixture.shardClients.get(name)! })),
      generatedIds: { StoredObject: 'id' },
    });
  });

  it('places rows by date and reads a window from the overlapping shards only', async () => {
    const dates = ['2024-06-01', '2025-03-01', '2025-12-31', '2027-01-01'].map((day) => new Date(`${day}T12:00:00Z`));
    await ranged.storedObject.createMany({ data: dates.map((createdDate, i) => ({ createdDate, bucket: 'b', size: i })) });
    expect([await countOn('s0', 'stored_objects'), await countOn('s1', 'stored_objects'), await countOn('s2', 'stored_objects')]).toEqual([
      1, 2, 1,
    ]);
    expect(
      ranged.$router.shardsOfWhere({ createdDate: { gte: new Date('2025-02-01T00:00:00Z'), lt: new Date('2026-01-01T00:00:00Z') } }),
    ).toEqual(['s1']);
    const window = await ranged.storedObject.findMany({
      where: { createdDate: { gte: new Date('2024-01-01T00:00:00Z'), lt: new Date('2025-06-01T00:00:00Z') } },
      orderBy: { createdDate: 'asc' },
    });
    expect(window.map((row) => row.size)).toEqual([0, 1]);
  });

  it('refuses a date outside every range, naming the ranges, and writes nothing', async () => {
    const error = await ranged.storedObject
      .create({ data: { createdDate: new Date('2023-05-05T00:00:00Z'), bucket: 'b', size: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShardKeyOutOfRangeError);
    expect((error as Error).message).toContain('s0 [2024-01-01T00:00:00Z, 2025-01-01T00:00:00Z)');
    for (const shard of ['s0', 's1', 's2', 's3']) expect(await countOn(shard, 'stored_objects')).toBe(0);
  });
});
