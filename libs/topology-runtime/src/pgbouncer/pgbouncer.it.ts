import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgbouncerEndpointKey, pgbouncerSchema, topologySchema, type PgBouncerSettings } from '@neo/topology';
import { startTopology } from '../start-topology.js';
import type { RunningTopology } from '../topology-runtime.types.js';
import { queryRows } from '../test-support/pg-helpers.js';
import { findPgBouncer } from './pgbouncer-binary.js';
import { startPgBouncer, type RunningPgBouncer } from './pgbouncer-process.js';
import { PgBouncerReuseMonitor } from './pgbouncer-reuse-monitor.js';

/*
 * A real PgBouncer (Debian's package, 1.18) in front of real servers: one primary and one
 * streaming replica (embedded PostgreSQL), with the seed's settings (transaction pooling,
 * 1000 clients, pool 25 + reserve 5, min 10). CI installs the package; without it these tests
 * are skipped, with the reason in their name.
 */

const binary = findPgBouncer();
const CREDENTIALS = { user: 'neo_pb', password: 'pb "secret" pw' };
const DATABASE = 'neo_pb';
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    pb: {
      temperature: 'hot',
      credentials: CREDENTIALS,
      primary: { name: 'pb-primary' },
      replicas: [{ name: 'pb-replica-1' }],
      pgbouncer: {},
    },
  },
  services: { fixture: { cluster: 'pb', database: DATABASE } },
  monolith: { cluster: 'pb', database: 'neo_service_layer' },
});
const seed: PgBouncerSettings = pgbouncerSchema.parse({});

let running: RunningTopology;
let pgbouncer: RunningPgBouncer;
/** Started before the first client, so every server connection PgBouncer opens is counted. */
let monitor: PgBouncerReuseMonitor;

/** A client of the cluster's PgBouncer, on one of its entries. */
function throughPgBouncer(database: string, target: { host: string; port: number } = pgbouncer): pg.Client {
  return new pg.Client({ host: target.host, port: target.port, database, ...CREDENTIALS, connectionTimeoutMillis: 30_000 });
}

/** Backends of the cluster's role on one server, as that server counts them (PgBouncer's server connections). */
async function serverConnections(node: 'pb-primary' | 'pb-replica-1'): Promise<number> {
  const endpoint = running.endpoints[`pb/${node}`]!;
  const admin = running.admin['pb']!;
  const rows = await queryRows<{ n: number }>(
    endpoint,
    { user: admin.user, password: admin.password, database: 'postgres' },
    `select count(*)::int as n from pg_stat_activity where usename = $1 and datname = $2`,
    [CREDENTIALS.user, DATABASE],
  );
  return rows[0]?.n ?? 0;
}

describe.skipIf(!binary)(
  `PgBouncer per cluster${binary ? '' : ' (skipped: pgbouncer is not installed: apt-get install -y pgbouncer)'}`,
  () => {
    beforeAll(async () => {
      running = await startTopology(topology, { provider: 'embedded', pgbouncer: true });
      pgbouncer = running.pgbouncers[0]!;
      monitor = await PgBouncerReuseMonitor.start({ cluster: 'pb', host: pgbouncer.host, port: pgbouncer.port, admin: pgbouncer.admin });
      const owner = new pg.Client({ ...running.endpoints['pb/pb-primary'], database: DATABASE, ...CREDENTIALS });
      await owner.connect();
      await owner.query('create table counter (id int primary key, n int not null)');
      await owner.query('insert into counter values (1, 0)');
      await owner.end();
    }, 180_000);

    afterAll(async () => {
      await monitor?.close();
      await running?.stop();
    });

    it('starts as an unprivileged user with the topology bound to its address', async () => {
      expect(running.endpoints[pgbouncerEndpointKey('pb')]).toEqual({ host: pgbouncer.host, port: pgbouncer.port });
      expect(running.topology.clusters['pb']?.pgbouncer).toMatchObject({ host: pgbouncer.host, port: pgbouncer.port });
      const client = throughPgBouncer(DATABASE);
      await client.connect();
      const { rows } = await client.query<{ user: string }>('select current_user as user');
      await client.end();
      expect(rows[0]?.user).toBe(CREDENTIALS.user);
    });

    it('reuses server connections for more than 80% of transactions under a steady load, as the exported metric says', async () => {
      // A steady load as services make it: 20 pooled connections, 2,000 short transactions.
      const pool = new pg.Pool({ host: pgbouncer.host, port: pgbouncer.port, database: DATABASE, ...CREDENTIALS, max: 20 });
      const work = Array.from({ length: 2_000 }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (let next = work.pop(); next !== undefined; next = work.pop()) await pool.query('select $1::int as i', [next]);
        }),
      );
      // And clients that open a new connection for every transaction: PgBouncer still reuses its own.
      for (let i = 0; i < 50; i++) {
        const client = throughPgBouncer(DATABASE);
        await client.connect();
        await client.query('select 1');
        await client.end();
      }
      await pool.end();
      await monitor.poll();
      const reuse = monitor.reuse().find((r) => r.database === DATABASE);
      expect(reuse?.clientTransactions).toBeGreaterThanOrEqual(2_050);
      expect(reuse?.serverConnectionsOpened).toBeGreaterThan(0);
      expect(reuse?.serverConnectionsOpened).toBeLessThanOrEqual(seed.defaultPoolSize + seed.reservePoolSize);
      expect(reuse?.ratio).toBeGreaterThan(0.8);
      const text = await monitor.registry.metrics();
      const line = text.split('\n').find((l) => l.startsWith(`neo_pgbouncer_connection_reuse_ratio{cluster="pb",database="${DATABASE}"}`));
      expect(Number(line?.split(' ').at(-1))).toBeGreaterThan(0.8);
      expect(text).toMatch(new RegExp(`neo_pgbouncer_server_connections\\{cluster="pb",database="${DATABASE}",state="idle"\\} \\d+`));
      expect(text).not.toContain(CREDENTIALS.password);
      console.info(
        `[pgbouncer] reuse ${((reuse?.ratio ?? 0) * 100).toFixed(2)}%: ${reuse?.serverConnectionsOpened} server connections for ${reuse?.clientTransactions} transactions`,
      );
      // The admin console's connection is a client too: closed, the next test has all max_client_conn.
      await monitor.close();
    }, 120_000);

    it('keeps no password of the cluster on disk: its auth file holds the server’s SCRAM secret', async () => {
      const authFile = await readFile(path.join(path.dirname(pgbouncer.configFile), 'users.txt'), 'utf8');
      expect(authFile).toMatch(new RegExp(`^"${CREDENTIALS.user}" "SCRAM-SHA-256\\$4096:`, 'm'));
      expect(authFile).not.toContain(CREDENTIALS.password);
    });

    it('sends the read-write entry to the primary and the _ro entries to the replica', async () => {
      const ask = async (database: string) => {
        const client = throughPgBouncer(database);
        await client.connect();
        try {
          const { rows } = await client.query<{ replica: boolean; port: number; db: string }>(
            `select pg_is_in_recovery() as replica, current_setting('port')::int as port, current_database() as db`,
          );
          return rows[0];
        } finally {
          await client.end();
        }
      };
      const primaryPort = running.endpoints['pb/pb-primary']!.port;
      const replicaPort = running.endpoints['pb/pb-replica-1']!.port;
      expect(await ask(DATABASE)).toEqual({ replica: false, port: primaryPort, db: DATABASE });
      expect(await ask(`${DATABASE}_ro`)).toEqual({ replica: true, port: replicaPort, db: DATABASE });
      expect(await ask(`${DATABASE}_ro__pb_replica_1`)).toEqual({ replica: true, port: replicaPort, db: DATABASE });
    });

    it('refuses a wrong password', async () => {
      const client = new pg.Client({
        host: pgbouncer.host,
        port: pgbouncer.port,
        database: DATABASE,
        user: CREDENTIALS.user,
        password: 'wrong',
      });
      await expect(client.connect()).rejects.toThrow(/SASL authentication failed|password authentication failed/);
    });

    it('holds 1,000 concurrent client connections without errors while the server sees at most the pool size', async () => {
      const clients = Array.from({ length: seed.maxClientConn }, () => throughPgBouncer(DATABASE));
      let maxSeen = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxSeen = Math.max(maxSeen, await serverConnections('pb-primary'));
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      try {
        // In batches, so PgBouncer's listen backlog (128) is never the limit being measured.
        for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.connect()));
        // Every client at once, three short transactions each: 3,000 transactions over the pool.
        const results = await Promise.allSettled(
          clients.map(async (client, i) => {
            for (let round = 0; round < 3; round++) {
              await client.query('begin');
              await client.query('select pg_sleep(0.002)');
              await client.query('update counter set n = n + 1 where id = 1');
              await client.query('commit');
            }
            return i;
          }),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      } finally {
        sampling = false;
        await sampler;
        await Promise.allSettled(clients.map((c) => c.end()));
      }
      const total = await queryRows<{ n: number }>(
        running.endpoints['pb/pb-primary']!,
        { ...CREDENTIALS, database: DATABASE },
        'select n from counter',
      );
      expect(total[0]?.n).toBe(3 * seed.maxClientConn);
      expect(maxSeen).toBeGreaterThan(0);
      // The pool, plus the reserve PgBouncer opens for clients that waited reserve_pool_timeout.
      expect(maxSeen).toBeLessThanOrEqual(seed.defaultPoolSize + seed.reservePoolSize);
      console.info(`[pgbouncer] 1000 clients, 3000 transactions: at most ${maxSeen} server connections`);
    }, 300_000);

    describe('prepared statements in transaction pooling (PgBouncer 1.18 does not track them)', () => {
      // A PgBouncer of its own with two server connections at most and none kept open, so which
      // server connection serves which query is certain.
      let small: RunningPgBouncer;
      beforeAll(async () => {
        const primary = running.endpoints['pb/pb-primary']!;
        small = await startPgBouncer({
          cluster: 'pb-small',
          settings: { ...seed, defaultPoolSize: 2, minPoolSize: 0, reservePoolSize: 0 },
          binary: binary!,
          primary: { node: 'pb-primary', ...primary },
          replicas: [],
          databases: [DATABASE],
          credentials: CREDENTIALS,
        });
      }, 60_000);
      afterAll(async () => {
        await small?.stop();
      });

      /** Client `a` runs `first` on server connection S1; `b` then holds S1 in a transaction; `a` runs `second` on S2. */
      async function acrossServerConnections(first: pg.QueryConfig, second: pg.QueryConfig): Promise<unknown> {
        const a = throughPgBouncer(DATABASE, small);
        const b = throughPgBouncer(DATABASE, small);
        await a.connect();
        await b.connect();
        try {
          await a.query(first);
          await b.query('begin');
          await b.query('select 1');
          try {
            return (await a.query(second)).rows;
          } catch (error) {
            return error;
          } finally {
            await b.query('commit');
          }
        } finally {
          await Promise.allSettled([a.end(), b.end()]);
        }
      }

      it('a named statement prepared in one transaction is missing in the next one (rely on unnamed statements)', async () => {
        const named = { name: 'counter_by_id', text: 'select n from counter where id = $1', values: [1] };
        const outcome = await acrossServerConnections(named, named);
        expect(outcome).toMatchObject({
          code: '26000',
          message: expect.stringMatching(/prepared statement "counter_by_id" does not exist/),
        });
      });

      it('unnamed statements with parameters (what node-postgres and Prisma adapter-pg send) work on any server connection', async () => {
        const unnamed = { text: 'select n from counter where id = $1', values: [1] };
        const outcome = await acrossServerConnections(unnamed, unnamed);
        expect(outcome).toEqual([{ n: expect.any(Number) }]);
      });
    });
  },
);
