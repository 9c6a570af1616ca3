import { setTimeout as sleep } from 'node:timers/promises';
// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import { topologySchema } from '@neo/topology';
import type { RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { createDataSource } from '../data-source/create-data-source.js';
import type { DataSource } from '../data-source/data-source.js';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import type { ReplicatedClient } from '../replication/routed-client.js';

/*
 * Real servers: a primary and a streaming replica (embedded PostgreSQL), the Note model of
 * prisma/_fixture_replica, whose creates the topology's `writes.coalesce` sends together.
 */
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    co: {
      temperature: 'hot',
      credentials: { user: 'neo_co', password: 'co-secret' },
      primary: { name: 'co-primary' },
      replicas: [{ name: 'co-replica-1' }],
      pool: { max: 6 },
    },
  },
  services: {
    fixture: {
      cluster: 'co',
      database: 'neo_coalesce_fixture',
      // A paused replica stays in rotation, so only read-your-writes keeps a session off it.
      reads: { maxLagMs: 600_000, lagPollIntervalMs: 100 },
      writes: { coalesce: { models: ['Note'], maxBatch: 50 } },
    },
  },
  monolith: { cluster: 'co', database: 'neo_service_layer' },
});

const schema = `
  create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now());
  create table note (
    id uuid primary key, key text not null unique, amount int not null default 0 check (amount >= 0),
    item_id int references item(id), created_at timestamp(3) not null default now(), updated_at timestamp(3) not null)`;

let running: RunningTopology;
let metrics: DataMetrics;
let source: DataSource<PrismaClient>;
let db: PrismaClient;
/** The same client, every call on the primary. */
const onPrimary = () => (db as ReplicatedClient<PrismaClient>).$primary();

async function admin<T extends pg.QueryResultRow>(node: string, sql: string): Promise<T[]> {
  const endpoint = running.endpoints[`co/${node}`]!;
  const login = running.admin['co']!;
  const client = new pg.Client({ ...endpoint, user: login.user, password: login.password, database: 'neo_coalesce_fixture' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The value of one series of a counter or histogram in the registry's text exposition (0 when absent). */
async function sample(name: string, labels: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && candidate.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const creates = (path: 'coalesced' | 'direct') => sample('neo_data_coalescible_creates_total', `path="${path}"`);

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, clusters: ['co'] });
  await admin(
    'co-primary',
    `${schema}; grant all on all tables in schema public to neo_co; grant all on all sequences in schema public to neo_co`,
  );
  metrics = new DataMetrics({ service: 'fixture' });
  source = createDataSource({
    service: 'fixture',
    topology: running.topology,
    createClient: (adapter) => new PrismaClient({ adapter }),
    metrics,
  });
  db = source.client;
  await source.ready();
}, 180_000);

afterAll(async () => {
  await source?.close();
  await running?.stop();
}, 60_000);

beforeEach(async () => {
  await admin('co-primary', 'truncate note, item restart identity');
});

describe('coalescing single-row creates on a real server', () => {
  it('gives each concurrent caller its own row, with the defaults a plain create gives, in batches', async () => {
    const before = await creates('coalesced');
    const rows = await Promise.all(Array.from({ length: 120 }, (_, i) => db.note.create({ data: { key: `k${i}`, amount: i } })));
    rows.forEach((row, i) => expect(row).toMatchObject({ key: `k${i}`, amount: i }));
    expect(new Set(rows.map((row) => row.id)).size).toBe(120);
    expect(await creates('coalesced')).toBeGreaterThanOrEqual(before + 100);
    expect(await sample('neo_data_coalesced_batch_size_count', 'model="Note"')).toBeLessThan(120);

    // The same call run plainly (inside a transaction, which never coalesces) gives the same kind of values.
    const plain = await db.$transaction((tx) => tx.note.create({ data: { key: 'plain' } }));
    for (const row of [plain, rows[0]!]) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.amount).toBe(0);
      expect(row.createdAt).toBeInstanceOf(Date);
      expect(row.updatedAt.getTime()).toBe(row.createdAt.getTime());
      expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    }
    // What came back is what was stored.
    const stored = await onPrimary().note.findMany({ where: { key: { in: ['k0', 'k77'] } }, orderBy: { key: 'asc' } });
    expect(stored).toEqual([rows[0], rows[77]]);
  });

  it('fails exactly the offending calls, with their own errors, and writes every other row once', async () => {
    await onPrimary().note.create({ data: { key: 'taken' } });
    const keys = Array.from({ length: 200 }, (_, i) => (i % 20 === 7 ? `dup${i % 40}` : i === 50 ? 'taken' : `r${i}`));
    const amounts = keys.map((_, i) => (i % 33 === 5 ? -1 : i));
    const settled = await Promise.allSettled(keys.map((key, i) => db.note.create({ data: { key, amount: amounts[i]! } })));

    const failedWith = (i: number) => (settled[i]!.status === 'rejected' ? (settled[i] as PromiseRejectedResult).reason : undefined);
    // Check violations: exactly those calls, with the error a plain create gives for them.
    const plainCheckError = await db
      .$transaction((tx) => tx.note.create({ data: { key: 'negative', amount: -1 } }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(plainCheckError).toBeDefined();
    amounts.forEach((amount, i) => {
      if (amount < 0) expect(failedWith(i)?.constructor).toBe(plainCheckError!.constructor);
    });
    // The key already taken, and one of each pair of duplicates in the call: P2002.
    expect(failedWith(50)).toMatchObject({ code: 'P2002' });
    const byKey = new Map<string, number[]>();
    keys.forEach((key, i) => amounts[i]! >= 0 && key !== 'taken' && byKey.set(key, [...(byKey.get(key) ?? []), i]));
    for (const [, callers] of byKey) {
      const failures = callers.filter((i) => failedWith(i) !== undefined);
      expect(failures.length).toBe(callers.length - 1);
      for (const i of failures) expect(failedWith(i)).toMatchObject({ code: 'P2002' });
      const winner = callers.find((i) => failedWith(i) === undefined)!;
      expect((settled[winner] as PromiseFulfilledResult<{ amount: number }>).value.amount).toBe(amounts[winner]);
    }
    const stored = await admin<{ key: string; amount: number; n: number }>(
      'co-primary',
      'select key, min(amount) as amount, count(*)::int as n from note group by key',
    );
    expect(stored.every((row) => row.n === 1)).toBe(true);
    expect(stored.map((row) => row.key).sort()).toEqual([...byKey.keys(), 'taken'].sort());
  });

  it('gives a call with a value Prisma refuses its own validation error, and stores the rest of its batch', async () => {
    const bad = { key: 'bad', amount: 'not a number' as unknown as number };
    const plainError = await db
      .$transaction((tx) => tx.note.create({ data: bad }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const settled = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => db.note.create({ data: i === 13 ? bad : { key: `v${i}` } })),
    );
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([
      { status: 'rejected', reason: expect.any(plainError!.constructor) },
    ]);
    expect(settled[13]!.status).toBe('rejected');
    expect((await admin<{ n: number }>('co-primary', 'select count(*)::int as n from note'))[0]!.n).toBe(29);
  });

  it('never coalesces a call in a transaction, and runs alone what createManyAndReturn cannot honour', async () => {
    const item = await db.item.create({ data: { name: 'parent' } });
    const direct = await creates('direct');
    const coalesced = await creates('coalesced');
    const inTransactions = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => db.$transaction((tx) => tx.note.create({ data: { key: `tx${i}` } }))),
      db.$transaction([db.note.create({ data: { key: 'batch-a' } }), db.note.create({ data: { key: 'batch-b' } })]),
    ]);
    expect(inTransactions).toHaveLength(6);
    expect(await creates('direct')).toBe(direct);
    expect(await creates('coalesced')).toBe(coalesced);

    const [nested, connected, included, selected, selectedToo] = await Promise.all([
      db.note.create({ data: { key: 'nested', item: { create: { name: 'child' } } } }),
      db.note.create({ data: { key: 'connected', item: { connect: { id: item.id } } } }),
      db.note.create({ data: { key: 'included', itemId: item.id }, include: { item: true } }),
      db.note.create({ data: { key: 'selected' }, select: { key: true, amount: true } }),
      db.note.create({ data: { key: 'selected-too', amount: 3 }, select: { key: true, amount: true } }),
    ]);
    expect(nested.itemId).not.toBe(item.id);
    expect(connected.itemId).toBe(item.id);
    expect(included.item).toMatchObject({ id: item.id, name: 'parent' });
    expect(selected).toEqual({ key: 'selected', amount: 0 });
    expect(selectedToo).toEqual({ key: 'selected-too', amount: 3 });
    expect(await creates('direct')).toBe(direct + 3);
    expect(await creates('coalesced')).toBe(coalesced + 2);
  });

  it("records a write for every coalesced caller's session, so each reads its own row from the primary", async () => {
    await admin('co-replica-1', 'select pg_wal_replay_pause()');
    try {
      for (
        let i = 0;
        i < 100 && (await admin<{ s: string }>('co-replica-1', 'select pg_get_wal_replay_pause_state() as s'))[0]?.s !== 'paused';
        i++
      ) {
        await sleep(50);
      }
      const before = await creates('coalesced');
      const seen = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          runWithRequestContext({ userId: `writer-${i}` }, async () => {
            const row = await db.note.create({ data: { key: `ryw${i}` } });
            return (await db.note.findUnique({ where: { id: row.id } }))?.key;
          }),
        ),
      );
      expect(await creates('coalesced')).toBeGreaterThan(before);
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `ryw${i}`));
      // Control: a session that did not write reads the paused replica, which has none of them.
      const other = await runWithRequestContext({ userId: 'reader' }, () => db.note.findMany({ where: { key: { startsWith: 'ryw' } } }));
      expect(other).toEqual([]);
    } finally {
      await admin('co-replica-1', 'select pg_wal_replay_resume()');
    }
  });
});
