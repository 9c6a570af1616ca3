// Integration tests need real servers, which only the test-only library starts.
import { startScratchPostgres, type ScratchPostgres } from '@neo/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { retryTransientWrites, type TransientRetryEvent } from './retry-transient-writes.js';

/*
 * A real deadlock whose victim is a Prisma write. Another session holds row 2 and will want
 * row 1; the write takes row 1 and waits for row 2. The other session checks for deadlocks
 * only after a minute, so PostgreSQL (after its default deadlock_timeout of 1 s) aborts the write.
 */
describe('retrying the victim of a deadlock on a real server', () => {
  let server: ScratchPostgres;
  let pool: pg.Pool;
  let db: PrismaClient;
  const retries: TransientRetryEvent[] = [];

  beforeAll(async () => {
    server = await startScratchPostgres();
    pool = new pg.Pool({ connectionString: server.url, max: 4 });
    await pool.query(
      'create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())',
    );
    // adapter-pg is typed against its own copy of @types/pg; the runtime Pool class is the same one.
    db = retryTransientWrites(new PrismaClient({ adapter: new PrismaPg(pool as never) }), { onRetry: (event) => retries.push(event) });
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await pool?.end();
    await server?.stop();
  }, 60_000);

  beforeEach(async () => {
    retries.length = 0;
    await pool.query(`truncate item restart identity; insert into item (name) values ('first'), ('second')`);
  });

  /** Opens the other session holding row 2, with deadlock detection deferred so the Prisma write is the victim. */
  async function holdRowTwo(): Promise<pg.Client> {
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    await other.query(`begin; set local deadlock_timeout = '60s'; update item set value = 100 where id = 2`);
    return other;
  }

  async function untilSomeoneWaitsForARowLock(other: pg.Client): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> $1`,
        [(other as unknown as { processID: number }).processID],
      );
      if (rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the write never waited for row 2');
  }

  async function values(): Promise<number[]> {
    return (await pool.query<{ value: number }>('select value from item order by id')).rows.map((row) => row.value);
  }

  it('runs a single write again after PostgreSQL chose it as the deadlock victim, and applies it once', async () => {
    const other = await holdRowTwo();
    try {
      const write = db.item.updateMany({ where: { id: { in: [1, 2] } }, data: { value: { increment: 1 } } });
      const settled = write.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      await untilSomeoneWaitsForARowLock(other);
      // Closes the cycle: the write is aborted, this update gets row 1.
      await other.query('update item set value = 200 where id = 1');
      await other.query('commit');
      expect(await settled).toEqual({ result: { count: 2 } });
    } finally {
      await other.end();
    }
    expect(retries.map(({ call, code }) => ({ call, code }))).toEqual([{ call: 'item.updateMany', code: '40P01' }]);
    expect(await values()).toEqual([201, 101]);
  });

  it('leaves reads, batches and everything else of the client as Prisma made it', async () => {
    expect(await db.item.findUnique({ where: { id: 1 } })).toMatchObject({ id: 1, name: 'first' });
    expect(await db.item.count()).toBe(2);
    const [created, count] = await db.$transaction([db.item.create({ data: { name: 'third' } }), db.item.count()]);
    expect(created).toMatchObject({ id: 3, name: 'third' });
    expect(count).toBe(3);
    expect(await db.$executeRaw`update item set value = ${5} where id = ${3}`).toBe(1);
    expect(retries).toEqual([]);
  });

  it('leaves a write inside an interactive transaction to the caller', async () => {
    const other = await holdRowTwo();
    try {
      const transaction = db.$transaction((tx) => tx.item.updateMany({ where: { id: { in: [1, 2] } }, data: { value: { increment: 1 } } }));
      const settled = transaction.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      await untilSomeoneWaitsForARowLock(other);
      await other.query('update item set value = 200 where id = 1');
      await other.query('commit');
      expect(await settled).toMatchObject({ error: { code: 'P2034' } });
    } finally {
      await other.end();
    }
    expect(retries).toEqual([]);
    expect(await values()).toEqual([200, 100]);
  });
});
