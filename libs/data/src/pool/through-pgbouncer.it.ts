import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import { findPgBouncer, type RunningPgBouncer, type RunningTopology } from '@neo/topology-runtime';
import { serviceTargets, topologySchema } from '@neo/topology';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { createDataSource } from '../data-source/create-data-source.js';
import type { DataSource } from '../data-source/data-source.js';
import { DataMetrics } from '../metrics/data-metrics.js';

/*
 * A service's data source through a real PgBouncer (transaction pooling, the seed's settings) in
 * front of a primary and a streaming replica: Prisma with adapter-pg, interactive transactions,
 * concurrent requests. The fixture schema of prisma/_fixture_replica. Skipped, with the reason in
 * its name, where the pgbouncer package is not installed (CI installs it).
 */

const DATABASE = 'neo_pgb_fixture';
const CREDENTIALS = { user: 'neo_pgb', password: 'pgb-secret' };
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    pgb: {
      temperature: 'hot',
      credentials: CREDENTIALS,
      primary: { name: 'pgb-primary' },
      replicas: [{ name: 'pgb-replica-1' }],
      pool: { max: 10 },
      pgbouncer: {},
    },
  },
  services: { fixture: { cluster: 'pgb', database: DATABASE } },
  monolith: { cluster: 'pgb', database: 'neo_service_layer' },
});

/** Interactive transactions wait for a connection of the service's pool and run for as long as a busy machine needs. */
const LONG_WAITS = { maxWait: 30_000, timeout: 30_000 };

let running: RunningTopology;
let pgbouncer: RunningPgBouncer;
let source: DataSource<PrismaClient>;

/** `SHOW STATS` of the admin console: transactions served per PgBouncer entry. */
async function transactionsByEntry(): Promise<Record<string, number>> {
  const admin = new pg.Client({ host: pgbouncer.host, port: pgbouncer.port, database: 'pgbouncer', ...pgbouncer.admin });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ database: string; total_xact_count: string }>('SHOW STATS');
    return Object.fromEntries(rows.map((row) => [row.database, Number(row.total_xact_count)]));
  } finally {
    await admin.end();
  }
}

/** One value from the primary itself, not through PgBouncer or the data source. */
async function onPrimary(sql: string, params: unknown[] = []): Promise<number> {
  const { primary } = serviceTargets(running.topology, 'fixture');
  const client = new pg.Client({ host: primary.host, port: primary.port, database: DATABASE, ...CREDENTIALS });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(sql, params);
    return rows[0]?.n ?? Number.NaN;
  } finally {
    await client.end();
  }
}

describe.skipIf(!findPgBouncer())(
  `a data source through PgBouncer${findPgBouncer() ? '' : ' (skipped: pgbouncer is not installed: apt-get install -y pgbouncer)'}`,
  () => {
    beforeAll(async () => {
      running = await startIsolatedTopology({ topology, clusters: ['pgb'], pgbouncer: true });
      pgbouncer = running.pgbouncers[0]!;
      // The table is made directly, as migrations are: DDL needs no pooling.
      const { primary } = serviceTargets(running.topology, 'fixture');
      const owner = new pg.Client({ host: primary.host, port: primary.port, database: DATABASE, ...CREDENTIALS });
      await owner.connect();
      await owner.query(
        `create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())`,
      );
      await owner.query(`insert into item (name) select 'seed-' || g from generate_series(1, 100) g`);
      await owner.end();
      source = createDataSource({
        service: 'fixture',
        topology: running.topology,
        createClient: (adapter) => new PrismaClient({ adapter }),
      });
      await source.ready();
    }, 180_000);

    afterAll(async () => {
      await source?.close();
      await running?.stop();
    });

    it('connects its pools to PgBouncer: writes on the read-write entry, reads on the replica’s entry', async () => {
      const before = await transactionsByEntry();
      await source.client.item.create({ data: { name: 'through-pgbouncer' } });
      const found = await source.client.item.findFirst({ where: { name: 'through-pgbouncer' } });
      expect(found?.name).toBe('through-pgbouncer');
      expect(((await transactionsByEntry())[DATABASE] ?? 0) - (before[DATABASE] ?? 0)).toBeGreaterThanOrEqual(1);
      // Reads go to the replica's entry once the lag monitor has it in rotation (on a loaded machine a
      // replica that just replayed the table's creation may still be out of it): read until one lands there.
      const replicaEntry = `${DATABASE}_ro__pgb_replica_1`;
      let onReplica = 0;
      for (let i = 0; i < 100 && onReplica === 0; i++) {
        await source.client.item.findFirst({ where: { name: 'through-pgbouncer' } });
        onReplica = ((await transactionsByEntry())[replicaEntry] ?? 0) - (before[replicaEntry] ?? 0);
        if (onReplica === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(onReplica).toBeGreaterThanOrEqual(1);
    });

    it('keeps an interactive transaction on one server connection: row locks hold, 40 concurrent read-modify-writes lose nothing', async () => {
      const id = (await source.client.item.create({ data: { name: 'counter' } })).id;
      await Promise.all(
        Array.from({ length: 40 }, () =>
          source.client.$transaction(
            async (tx) => {
              const [row] = await tx.$queryRaw<Array<{ value: number }>>`select value from item where id = ${id} for update`;
              await tx.item.update({ where: { id }, data: { value: (row?.value ?? 0) + 1 } });
            },
            // They queue for the row lock and for the client pool's 10 connections: Prisma's 2 s default is short on a busy machine.
            LONG_WAITS,
          ),
        ),
      );
      expect(await onPrimary('select value as n from item where id = $1', [id])).toBe(40);
    }, 60_000);

    it('rolls an interactive transaction back when its callback throws', async () => {
      await expect(
        source.client.$transaction(async (tx) => {
          await tx.item.create({ data: { name: 'rolled-back' } });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await onPrimary(`select count(*)::int as n from item where name = 'rolled-back'`)).toBe(0);
    });

    it('sends coalesced creates through it as raw unnest INSERTs, whichever server connection each statement lands on', async () => {
      const metrics = new DataMetrics({ service: 'fixture' });
      const coalescing = createDataSource({
        service: 'fixture',
        topology: running.topology,
        createClient: (adapter) => new PrismaClient({ adapter }),
        metrics,
        coalesceWrites: { models: ['Item'] },
      });
      try {
        await coalescing.ready();
        for (let round = 0; round < 5; round++) {
          const names = Array.from({ length: 40 }, (_, i) => `pooled-${round}-${i}`);
          const rows = await Promise.all(names.map((name) => coalescing.client.item.create({ data: { name } })));
          expect(rows.map((row) => row.name)).toEqual(names);
        }
        const text = await metrics.registry.metrics();
        const unnest = text
          .split('\n')
          .find((line) => line.startsWith('neo_data_coalesced_batch_size_count{') && line.includes('statement="unnest"'));
        expect(Number(unnest?.split(' ').at(-1))).toBeGreaterThan(0);
        expect(await onPrimary(`select count(*)::int as n from item where name like 'pooled-%'`)).toBe(200);
      } finally {
        await coalescing.close();
      }
    }, 60_000);

    it('serves 500 concurrent requests (reads, writes, transactions) without an error', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 500 }, (_, i) => {
          if (i % 5 === 0) return source.client.item.create({ data: { name: `concurrent-${i}` } });
          if (i % 5 === 1)
            return source.client.$transaction(async (tx) => [await tx.item.count(), await tx.item.findMany({ take: 5 })], LONG_WAITS);
          return source.client.item.findUnique({ where: { id: (i % 100) + 1 } });
        }),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await onPrimary(`select count(*)::int as n from item where name like 'concurrent-%'`)).toBe(100);
    }, 60_000);
  },
);
