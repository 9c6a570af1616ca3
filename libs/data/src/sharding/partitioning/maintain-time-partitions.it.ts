import { randomBytes } from 'node:crypto';
import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHashPartitions } from './hash-partitions.js';
import { maintainTimePartitions, partitionNames } from './maintain-time-partitions.js';
import { PartitioningError } from './partitioning.error.js';
import { detectTimescale } from './timescale.js';
import { createTimePartitionSql, partitionFor } from './time-partitions.js';

let server: ScratchPostgres;
let admin: pg.Client;
let db: pg.Pool;
const database = `part_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  server = await startScratchPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  db = new pg.Pool({ host: server.host, port: server.port, user: server.user, password: server.password, database, max: 2 });
  // At teardown DROP DATABASE … WITH (FORCE) may end a connection the pool is still closing.
  db.on('error', () => undefined);
});

afterAll(async () => {
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await admin?.end();
  await server?.stop();
});

beforeEach(async () => {
  await db.query('DROP TABLE IF EXISTS metric_samples, events_by_user, plain_table CASCADE');
});

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('time partitions with retention (native declarative partitioning)', () => {
  it('drops exactly the partitions wholly older than the retention and creates the next ones', async () => {
    await db.query(
      'CREATE TABLE metric_samples (recorded_at timestamptz NOT NULL, value double precision NOT NULL) PARTITION BY RANGE (recorded_at)',
    );
    // Daily partitions from 2026-02-28 to 2026-03-10, each with one row at noon.
    for (let d = day('2026-02-28'); d <= day('2026-03-10'); d = new Date(d.getTime() + 86_400_000)) {
      await db.query(createTimePartitionSql('metric_samples', partitionFor('metric_samples', 'day', d)));
      await db.query('INSERT INTO metric_samples VALUES ($1, 1)', [new Date(d.getTime() + 12 * 3_600_000)]);
    }
    const now = new Date('2026-03-10T12:00:00Z');

    const result = await maintainTimePartitions(
      db,
      { table: 'metric_samples', column: 'recorded_at', interval: 'day', premake: 2, retentionDays: 5 },
      now,
    );

    expect(result.engine).toBe('native');
    // The cutoff is 2026-03-05T12:00: partitions ending at or before it go; 03-05 holds newer rows and stays.
    expect(result.dropped).toEqual([
      'metric_samples_p20260228',
      'metric_samples_p20260301',
      'metric_samples_p20260302',
      'metric_samples_p20260303',
      'metric_samples_p20260304',
    ]);
    expect(result.created).toEqual(['metric_samples_p20260311', 'metric_samples_p20260312']);
    expect(await partitionNames(db, 'metric_samples')).toEqual(
      ['0305', '0306', '0307', '0308', '0309', '0310', '0311', '0312'].map((stamp) => `metric_samples_p2026${stamp}`),
    );
    const { rows } = await db.query('SELECT count(*)::int AS n, min(recorded_at) AS oldest FROM metric_samples');
    expect(rows[0]).toEqual({ n: 6, oldest: new Date('2026-03-05T12:00:00Z') });
    // A row of the day after tomorrow has its partition already.
    await db.query('INSERT INTO metric_samples VALUES ($1, 2)', [new Date('2026-03-12T23:59:59Z')]);

    const again = await maintainTimePartitions(
      db,
      { table: 'metric_samples', column: 'recorded_at', interval: 'day', premake: 2, retentionDays: 5 },
      now,
    );
    expect(again).toEqual({ engine: 'native', created: [], dropped: [] });
  });

  it('keeps monthly partitions until their whole month is past the retention', async () => {
    await db.query('CREATE TABLE metric_samples (recorded_at timestamptz NOT NULL) PARTITION BY RANGE (recorded_at)');
    for (const month of ['2025-11-01', '2025-12-01', '2026-01-01'])
      await db.query(createTimePartitionSql('metric_samples', partitionFor('metric_samples', 'month', day(month))));
    const result = await maintainTimePartitions(
      db,
      { table: 'metric_samples', column: 'recorded_at', interval: 'month', premake: 1, retentionDays: 40 },
      new Date('2026-01-15T00:00:00Z'),
    );
    // Cutoff 2025-12-06: November ended before it, December did not.
    expect(result.dropped).toEqual(['metric_samples_p202511']);
    expect(result.created).toEqual(['metric_samples_p202602']);
  });

  it('refuses a table that is not partitioned, and TimescaleDB where it is not installed', async () => {
    await db.query('CREATE TABLE plain_table (recorded_at timestamptz NOT NULL)');
    await expect(
      maintainTimePartitions(db, { table: 'plain_table', column: 'recorded_at', interval: 'day', retentionDays: 1 }),
    ).rejects.toBeInstanceOf(PartitioningError);
    await expect(
      maintainTimePartitions(db, { table: 'plain_table', column: 'recorded_at', interval: 'day', retentionDays: 1, engine: 'timescale' }),
    ).rejects.toThrow(/TimescaleDB was asked/);
  });

  it('detects that TimescaleDB is neither installed nor available on this server', async () => {
    expect(await detectTimescale(db)).toEqual({ installed: false, available: false });
  });
});

describe('hash partitions by key', () => {
  it('spreads rows over the declared partitions', async () => {
    await db.query('CREATE TABLE events_by_user (user_id integer NOT NULL, payload text) PARTITION BY HASH (user_id)');
    await createHashPartitions(db, 'events_by_user', 4);
    await db.query("INSERT INTO events_by_user SELECT g, 'x' FROM generate_series(1, 200) AS g");
    expect(await partitionNames(db, 'events_by_user')).toEqual([
      'events_by_user_h0',
      'events_by_user_h1',
      'events_by_user_h2',
      'events_by_user_h3',
    ]);
    let total = 0;
    for (const name of await partitionNames(db, 'events_by_user')) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${name}`);
      expect(rows[0].n).toBeGreaterThan(0);
      total += rows[0].n as number;
    }
    expect(total).toBe(200);
  });
});
