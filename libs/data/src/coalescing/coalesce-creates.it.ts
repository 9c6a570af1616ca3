import { setTimeout as sleep } from 'node:timers/promises';
// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import { topologySchema } from '@neo/topology';
import type { RunningTopology } from '@neo/topology-runtime';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { createDataSource } from '../data-source/create-data-source.js';
import type { DataSource } from '../data-source/data-source.js';
import { Prisma, PrismaClient, type Measurement } from '../generated/replica-fixture/client.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import type { ReplicatedClient } from '../replication/routed-client.js';
import { coalesceCreates } from './coalesce-creates.js';
import type { CoalescingRecorder } from './coalescing-metrics.js';

/*
 * Real servers: a primary and a streaming replica (embedded PostgreSQL), the models of
 * prisma/_fixture_replica. Every test of the semantics runs twice: with batches sent as the raw
 * `unnest` INSERT (the default) and through Prisma's `createManyAndReturn` (`rawInserts: false`,
 * and the route of a model the raw route does not map). The raw route's own tests follow.
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

// The tables as Prisma's migrations would make them from the fixture schema.
const schema = `
  create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now());
  create table note (
    id uuid primary key, key text not null unique, amount int not null default 0 check (amount >= 0),
    item_id int references item(id), created_at timestamp(3) not null default now(), updated_at timestamp(3) not null);
  create type unit as enum ('CELSIUS', 'kelvin');
  create table measurement (
    id uuid primary key, seq bigserial not null, sensor varchar(40) not null, comment text, reading double precision not null,
    count integer not null default 1, total bigint, price decimal(12,4) not null, ratio decimal(65,30), valid boolean not null default true,
    unit unit not null default 'CELSIUS', units unit[], tags text[], samples integer[], payload jsonb not null, extra jsonb, raw bytea,
    day date, taken_at timestamptz(3) not null, recorded_by text not null default current_user,
    created_at timestamp(3) not null default current_timestamp, updated_at timestamp(3) not null);
  create table opening (id serial primary key, name text not null, opens_at time(3) not null)`;

const COALESCED_MODELS = ['Note', 'Measurement', 'Opening'];

let running: RunningTopology;

/** What the process was told about models whose batches cannot take the raw route. */
const fallbackWarnings: string[] = [];
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code === 'NEO_DATA_RAW_INSERT_FALLBACK') fallbackWarnings.push(warning.message);
});

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
async function sample(metrics: DataMetrics, name: string, labels: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && candidate.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Batches of `model` sent as `statement` (`create`: a batch of one, run as the caller's own create). */
const batchesOf = (metrics: DataMetrics, model: string, statement: 'unnest' | 'createManyAndReturn' | 'create') =>
  sample(metrics, 'neo_data_coalesced_batch_size_count', `model="${model}",statement="${statement}"`);

/** A data source of the fixture service coalescing the fixture's models, batches sent as the raw route (or not). */
async function openSource(rawInserts: boolean): Promise<{ source: DataSource<PrismaClient>; metrics: DataMetrics }> {
  const metrics = new DataMetrics({ service: 'fixture' });
  const source = createDataSource({
    service: 'fixture',
    topology: running.topology,
    createClient: (adapter) => new PrismaClient({ adapter }),
    metrics,
    coalesceWrites: { models: COALESCED_MODELS, maxBatch: 50, rawInserts },
  });
  await source.ready();
  return { source, metrics };
}

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, clusters: ['co'] });
  await admin(
    'co-primary',
    `${schema}; grant all on all tables in schema public to neo_co; grant all on all sequences in schema public to neo_co`,
  );
}, 180_000);

afterAll(async () => {
  await running?.stop();
}, 60_000);

beforeEach(async () => {
  await admin('co-primary', 'truncate note, item, measurement, opening restart identity');
});

describe.each([
  { statement: 'unnest', rawInserts: true },
  { statement: 'createManyAndReturn', rawInserts: false },
] as const)('coalescing single-row creates on a real server, batches sent as $statement', ({ statement, rawInserts }) => {
  let metrics: DataMetrics;
  let source: DataSource<PrismaClient>;
  let db: PrismaClient;
  /** The same client, every call on the primary. */
  const onPrimary = () => (db as ReplicatedClient<PrismaClient>).$primary();
  const creates = (path: 'coalesced' | 'direct') => sample(metrics, 'neo_data_coalescible_creates_total', `path="${path}"`);

  beforeAll(async () => {
    ({ source, metrics } = await openSource(rawInserts));
    db = source.client;
  }, 60_000);

  afterAll(async () => {
    await source?.close();
  });

  it('gives each concurrent caller its own row, with the defaults a plain create gives, in batches', async () => {
    const before = await creates('coalesced');
    const rows = await Promise.all(Array.from({ length: 120 }, (_, i) => db.note.create({ data: { key: `k${i}`, amount: i } })));
    rows.forEach((row, i) => expect(row).toMatchObject({ key: `k${i}`, amount: i }));
    expect(new Set(rows.map((row) => row.id)).size).toBe(120);
    expect(await creates('coalesced')).toBeGreaterThanOrEqual(before + 100);
    const batches = await batchesOf(metrics, 'Note', statement);
    expect(batches).toBeGreaterThan(0);
    expect(batches + (await batchesOf(metrics, 'Note', 'create'))).toBeLessThan(120);
    expect(await batchesOf(metrics, 'Note', statement === 'unnest' ? 'createManyAndReturn' : 'unnest')).toBe(0);

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

  it('leaves the creates of a client made by $extends to the extension: its query and result extensions see every call', async () => {
    const seen: string[] = [];
    const extended = db.$extends({
      query: {
        note: {
          create({ args, query }) {
            seen.push(args.data.key);
            return query({ ...args, data: { ...args.data, amount: 7 } });
          },
        },
      },
      result: { note: { keyLength: { needs: { key: true }, compute: (note) => note.key.length } } },
    });
    const direct = await creates('direct');
    const coalesced = await creates('coalesced');
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => extended.note.create({ data: { key: `ext-${i}` } })));
    rows.forEach((row, i) => expect(row).toMatchObject({ key: `ext-${i}`, amount: 7, keyLength: `ext-${i}`.length }));
    expect(seen.sort()).toEqual(rows.map((row) => row.key).sort());
    // Not coalescible at all: the extended client's creates never reach the coalescer.
    expect(await creates('coalesced')).toBe(coalesced);
    expect(await creates('direct')).toBe(direct);
    // The client it was made from still coalesces.
    await Promise.all(Array.from({ length: 10 }, (_, i) => db.note.create({ data: { key: `base-${i}` } })));
    expect(await creates('coalesced')).toBe(coalesced + 10);
  });

  it("records a write for every coalesced caller's session, so each reads its own row from the primary", async () => {
    // Paused only once it has replayed the truncation before this test: a replica paused in the
    // middle of it would hold its lock, and the control read below would wait on it.
    const [{ lsn }] = await admin<{ lsn: string }>('co-primary', 'select pg_current_wal_lsn()::text as lsn');
    for (
      let i = 0;
      i < 200 && !(await admin<{ caught: boolean }>('co-replica-1', `select pg_last_wal_replay_lsn() >= '${lsn}' as caught`))[0]?.caught;
      i++
    ) {
      await sleep(50);
    }
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

describe('the raw route', () => {
  let metrics: DataMetrics;
  let source: DataSource<PrismaClient>;
  let db: PrismaClient;
  const plainly = <T>(create: (tx: Prisma.TransactionClient) => Promise<T>) => db.$transaction((tx) => create(tx));

  beforeAll(async () => {
    ({ source, metrics } = await openSource(true));
    db = source.client;
  }, 60_000);

  afterAll(async () => {
    await source?.close();
  });

  /** A row with every field given, values at the edges of their types. */
  const full: Prisma.MeasurementUncheckedCreateInput = {
    sensor: 'full',
    comment: 'every field given',
    reading: 0.1 + 0.2,
    count: 7,
    total: 9_007_199_254_740_993n,
    price: new Prisma.Decimal('12345678.1234'),
    ratio: new Prisma.Decimal('0.000000000000000000000000000001'),
    valid: false,
    unit: 'KELVIN',
    units: ['KELVIN', 'CELSIUS'],
    tags: ['a', 'b "quoted", {braced} and \\ back-slashed', '', 'NULL'],
    samples: [1, -2, 2_147_483_647],
    payload: { nested: [1, 'two', null, { three: true }], 'key "quoted"': 'ü' },
    extra: 'a JSON string',
    raw: new Uint8Array([0, 1, 254, 255]),
    day: new Date('2024-02-29T00:00:00Z'),
    takenAt: new Date('2024-02-29T23:59:59.999Z'),
  };
  /** A row that leaves out every field it may: client-side, literal and server-side defaults, optional fields. */
  const minimal: Prisma.MeasurementUncheckedCreateInput = {
    sensor: 'minimal',
    reading: -1,
    price: 2.5,
    tags: [],
    samples: [],
    payload: [],
    takenAt: new Date('2020-01-01T00:00:00Z'),
  };

  /** What a plain create returned, with the values only the database or the moment chooses taken from `coalesced`. */
  const expectSameRow = (coalesced: Record<string, unknown>, plain: Record<string, unknown>) => {
    const chosen = ['id', 'seq', 'createdAt', 'updatedAt'].filter((field) => field in plain);
    expect(coalesced).toStrictEqual({ ...plain, ...Object.fromEntries(chosen.map((field) => [field, coalesced[field]])) });
  };

  it('returns exactly what a plain create returns: client-side, literal and server-side defaults, optional nulls, every mapped type', async () => {
    const before = await batchesOf(metrics, 'Measurement', 'unnest');
    const inputs = [full, minimal, { ...full, sensor: 'full-2' }, { ...minimal, sensor: 'minimal-2' }];
    const coalesced = await Promise.all(inputs.map((data) => db.measurement.create({ data })));
    expect(await batchesOf(metrics, 'Measurement', 'unnest')).toBeGreaterThan(before);
    expect(await batchesOf(metrics, 'Measurement', 'createManyAndReturn')).toBe(0);

    const plain: Measurement[] = [];
    for (const data of inputs) plain.push(await plainly((tx) => tx.measurement.create({ data })));
    coalesced.forEach((row, i) => expectSameRow(row, plain[i]!));

    for (const row of coalesced) {
      // Prisma's client-side defaults: a v4 uuid, one instant for createdAt and updatedAt; the server's sequence.
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.updatedAt).toStrictEqual(row.createdAt);
      expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(typeof row.seq).toBe('bigint');
      expect(row.recordedBy).toBe('neo_co');
    }
    expect(coalesced[1]).toMatchObject({ count: 1, valid: true, unit: 'CELSIUS', comment: null, total: null, ratio: null, extra: null });
    expect(coalesced[0]).toMatchObject({ unit: 'KELVIN', units: ['KELVIN', 'CELSIUS'], total: 9_007_199_254_740_993n });
    // What came back is what was stored, as Prisma reads it.
    const stored = await (db as ReplicatedClient<PrismaClient>).$primary().measurement.findUnique({ where: { id: coalesced[0]!.id } });
    expect(stored).toStrictEqual(coalesced[0]);
    const [{ unit }] = await admin<{ unit: string }>('co-primary', `select unit::text from measurement where id = '${coalesced[0]!.id}'`);
    expect(unit).toBe('kelvin');
  });

  it('keeps rows that give a server-side default column apart from rows that leave it to the server', async () => {
    const rows = await Promise.all([
      db.measurement.create({ data: { ...minimal, sensor: 'own-seq', seq: 1_000n } }),
      db.measurement.create({ data: { ...minimal, sensor: 'sequence-1' } }),
      db.measurement.create({ data: { ...minimal, sensor: 'sequence-2' } }),
      db.measurement.create({ data: { ...minimal, sensor: 'own-recorder', recordedBy: 'someone' } }),
    ]);
    expect(rows[0]).toMatchObject({ seq: 1_000n, recordedBy: 'neo_co' });
    expect(rows[3]).toMatchObject({ recordedBy: 'someone' });
    // Three batches, one per shape, in any order: the sequence gave the other three rows 1 to 3.
    expect(
      rows
        .slice(1)
        .map((row) => row.seq)
        .sort(),
    ).toEqual([1n, 2n, 3n]);
    expect(rows.slice(1, 3).map((row) => row.recordedBy)).toEqual(['neo_co', 'neo_co']);
  });

  it('honours select and omit, and the client-wide omit', async () => {
    const [selected, omitted] = await Promise.all([
      db.measurement.create({ data: full, select: { sensor: true, unit: true, seq: true } }),
      db.measurement.create({ data: minimal, omit: { payload: true, raw: true, id: true } }),
      db.measurement.create({ data: full, select: { sensor: true, unit: true, seq: true } }),
      db.measurement.create({ data: minimal, omit: { payload: true, raw: true, id: true } }),
    ]);
    expect(selected).toStrictEqual({ sensor: 'full', unit: 'KELVIN', seq: expect.any(BigInt) });
    expectSameRow(omitted, await plainly((tx) => tx.measurement.create({ data: minimal, omit: { payload: true, raw: true, id: true } })));
    expect(omitted).not.toHaveProperty('id');

    // A client that omits a field everywhere (`new PrismaClient({ omit })`): a create returns it only when asked.
    const pool = new pg.Pool(await primaryLogin());
    try {
      const client = new PrismaClient({ adapter: new PrismaPg(pool as never), omit: { note: { amount: true } } });
      const { recorder, statements } = recordStatements();
      const wrapped = coalesceCreates(client, { models: ['Note'], recorder });
      const [globally, askedFor] = await Promise.all([
        wrapped.note.create({ data: { key: 'omitted' } }),
        wrapped.note.create({ data: { key: 'asked-for' }, omit: { amount: false } }),
        wrapped.note.create({ data: { key: 'omitted-too' } }),
      ]);
      expect(globally).not.toHaveProperty('amount');
      expect(askedFor).toMatchObject({ key: 'asked-for', amount: 0 });
      expect(statements).toContain('unnest');
      expect(statements).not.toContain('createManyAndReturn');
      await client.$disconnect();
    } finally {
      await pool.end();
    }
  });

  it('sends a call whose values it does not write as Prisma would (a date as a string) through createManyAndReturn, with the same result', async () => {
    const asString = { ...minimal, sensor: 'string-date', takenAt: '2020-01-01T00:00:00.000Z' };
    const before = await batchesOf(metrics, 'Measurement', 'createManyAndReturn');
    const [first] = await Promise.all([db.measurement.create({ data: asString }), db.measurement.create({ data: asString })]);
    expect(await batchesOf(metrics, 'Measurement', 'createManyAndReturn')).toBe(before + 1);
    expectSameRow(first, await plainly((tx) => tx.measurement.create({ data: asString })));
  });

  it('sends a model with a type it does not map (a time of day) through createManyAndReturn, and says why once', async () => {
    const rows = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.opening.create({ data: { name: `o${i}`, opensAt: new Date(`1970-01-01T08:${10 + i}:00Z`) } }),
      ),
    );
    expect(rows.map((row) => row.opensAt.toISOString())).toEqual(Array.from({ length: 10 }, (_, i) => `1970-01-01T08:${10 + i}:00.000Z`));
    expect(await batchesOf(metrics, 'Opening', 'createManyAndReturn')).toBeGreaterThan(0);
    expect(await batchesOf(metrics, 'Opening', 'unnest')).toBe(0);
    expect(fallbackWarnings.filter((warning) => warning.includes('Opening'))).toEqual([
      expect.stringMatching(/Opening's batches through createManyAndReturn: opensAt is DateTime @db\.Time/),
    ]);
  });

  it('is replayed whole, as one statement, when PostgreSQL picks it as a deadlock victim', async () => {
    const statements: string[] = [];
    const logged = createDataSource({
      service: 'fixture',
      topology: running.topology,
      createClient: (adapter) => {
        const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
        client.$on('query', (event) => void statements.push(event.query));
        return client;
      },
      coalesceWrites: { models: ['Note'] },
    });
    const other = new pg.Client({ ...running.endpoints['co/co-primary']!, ...(await primaryLogin()) });
    await other.connect();
    try {
      await logged.ready();
      // Another transaction holds `lock-b`; the batch inserts `lock-a`, then waits for `lock-b`.
      await other.query(`begin; insert into note (id, key, updated_at) values (gen_random_uuid(), 'lock-b', now())`);
      const batch = Promise.all(['lock-a', 'lock-b'].map((key) => logged.client.note.create({ data: { key } })));
      const waiting = async () =>
        (
          await admin<{ n: number }>(
            'co-primary',
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%unnest%'`,
          )
        )[0]!.n;
      for (let i = 0; i < 200 && (await waiting()) === 0; i++) await sleep(25);
      // The other transaction now waits for the batch's `lock-a`: a deadlock, found by the batch, which waited first.
      const [{ deadlocks: before }] = await admin<{ deadlocks: number }>(
        'co-primary',
        `select deadlocks::int from pg_stat_database where datname = current_database()`,
      );
      await other.query(`insert into note (id, key, updated_at) values (gen_random_uuid(), 'lock-a', now())`);
      await other.query('rollback');
      const rows = await batch;
      expect(rows.map((row) => row.key)).toEqual(['lock-a', 'lock-b']);
      const [{ deadlocks: after }] = await admin<{ deadlocks: number }>(
        'co-primary',
        `select deadlocks::int from pg_stat_database where datname = current_database()`,
      );
      expect(after).toBe(before + 1);
      // The other transaction's insert went through, so the batch was the victim; it was replayed
      // by the retry layer as the same statement (Prisma's query log lists the statements that
      // completed: that one), not split into single creates.
      expect(statements.filter((sql) => sql.includes('unnest'))).toHaveLength(1);
      expect(statements.filter((sql) => sql.startsWith('INSERT INTO "public"."note"') && !sql.includes('unnest'))).toEqual([]);
      expect(await admin<{ key: string }>('co-primary', `select key from note order by key`)).toEqual([
        { key: 'lock-a' },
        { key: 'lock-b' },
      ]);
    } finally {
      await other.end();
      await logged.close();
    }
  }, 60_000);

  it("writes into the schema its client's adapter names (a service's schema in the monolith)", async () => {
    await admin(
      'co-primary',
      'create schema svc; create table svc.note (like public.note including all); grant usage on schema svc to neo_co; grant all on svc.note to neo_co',
    );
    const pool = new pg.Pool(await primaryLogin());
    try {
      const client = new PrismaClient({ adapter: new PrismaPg(pool as never, { schema: 'svc' }) });
      const { recorder, statements } = recordStatements();
      const wrapped = coalesceCreates(client, { models: ['Note'], recorder });
      await Promise.all(Array.from({ length: 5 }, (_, i) => wrapped.note.create({ data: { key: `svc${i}` } })));
      expect(statements).toEqual(['unnest']);
      expect(await admin<{ n: number }>('co-primary', 'select count(*)::int as n from svc.note')).toEqual([{ n: 5 }]);
      expect(await admin<{ n: number }>('co-primary', 'select count(*)::int as n from public.note')).toEqual([{ n: 0 }]);
      await client.$disconnect();
    } finally {
      await pool.end();
      await admin('co-primary', 'drop schema svc cascade');
    }
  });
});

/** A recorder that keeps the statement of each batch. */
function recordStatements(): { recorder: CoalescingRecorder; statements: string[] } {
  const statements: string[] = [];
  return { recorder: { batch: (_model, _size, statement) => void statements.push(statement), call: () => undefined }, statements };
}

/** The service's login on the primary, for a client built outside the data source. */
async function primaryLogin(): Promise<pg.PoolConfig> {
  const endpoint = running.endpoints['co/co-primary']!;
  return { ...endpoint, user: 'neo_co', password: 'co-secret', database: 'neo_coalesce_fixture', max: 4 };
}
