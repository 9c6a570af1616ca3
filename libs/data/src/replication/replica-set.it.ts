import { PrismaClient } from '../generated/replica-fixture/client.js';
// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import type { RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import { type DataNode, type ReadSettings, type ReplicaPolicy, serviceTargets, topologySchema } from '@neo/topology';
import { PrimaryUnavailableError } from './primary-unavailable.error.js';
import { createReplicaSet, type ReplicaSet } from './replica-set.js';
import { SharedLagMonitors } from './shared-lag-monitors.js';

/*
 * Real servers: one primary and two streaming replicas (embedded PostgreSQL), the fixture schema
 * of prisma/_fixture_replica (generate it first: see that schema's header).
 * The tests that stop servers run last, in order.
 */

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    rs: {
      temperature: 'hot',
      credentials: { user: 'neo_rs', password: 'rs-secret' },
      primary: { name: 'rs-primary' },
      replicas: [
        { name: 'rs-replica-1', weight: 3 },
        { name: 'rs-replica-2', weight: 1 },
      ],
      pool: { max: 8 },
    },
  },
  services: { fixture: { cluster: 'rs', database: 'neo_replica_fixture' } },
  monolith: { cluster: 'rs', database: 'neo_service_layer' },
});

const interval = 100;
let running: RunningTopology;
let primaryNode: DataNode;
let replicaNodes: DataNode[];
const sets: ReplicaSet<PrismaClient>[] = [];

async function adminQuery<T extends pg.QueryResultRow>(node: string, sql: string): Promise<T[]> {
  const endpoint = running.endpoints[`rs/${node}`]!;
  const admin = running.admin['rs']!;
  const client = new pg.Client({
    host: endpoint.host,
    port: endpoint.port,
    user: admin.user,
    password: admin.password,
    database: 'neo_replica_fixture',
  });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `check` (errors count as "not yet") until it holds; gives up after `attempts` tries 50 ms apart. */
async function until(check: () => Promise<boolean> | boolean, what: string, attempts = 200): Promise<void> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`, { cause: lastError });
}

async function pauseReplay(node: string): Promise<void> {
  await adminQuery(node, 'select pg_wal_replay_pause()');
  await until(
    async () => (await adminQuery<{ s: string }>(node, 'select pg_get_wal_replay_pause_state() as s'))[0]?.s === 'paused',
    `${node} to pause`,
  );
}

async function resumeReplay(node: string): Promise<void> {
  await adminQuery(node, 'select pg_wal_replay_resume()');
}

async function openSet(reads: Partial<ReadSettings> = {}, metrics?: DataMetrics): Promise<ReplicaSet<PrismaClient>> {
  const set = createReplicaSet({
    primary: primaryNode,
    replicas: replicaNodes,
    reads: { policy: 'round-robin', maxLagMs: 100, lagPollIntervalMs: interval, ...reads },
    createClient: (adapter) => new PrismaClient({ adapter }),
    metrics,
  });
  sets.push(set);
  await set.ready();
  return set;
}

function nodeStats(set: ReplicaSet<PrismaClient>) {
  return set.status().map((node) => ({ ...node.stats }));
}

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, clusters: ['rs'] });
  ({ primary: primaryNode, replicas: replicaNodes } = serviceTargets(running.topology, 'fixture'));
  await adminQuery('rs-primary', 'create extension if not exists pg_stat_statements');
  const owner = new pg.Client({
    host: primaryNode.host,
    port: primaryNode.port,
    user: primaryNode.user,
    password: primaryNode.password,
    database: primaryNode.database,
  });
  await owner.connect();
  await owner.query(
    `create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())`,
  );
  await owner.query(`insert into item (name) select 'seed-' || g from generate_series(1, 100) g`);
  await owner.end();
  for (const replica of ['rs-replica-1', 'rs-replica-2']) {
    await until(
      async () => (await adminQuery<{ n: string }>(replica, 'select count(*) as n from item')).at(0)?.n === '100',
      `the seed rows on ${replica}`,
    );
  }
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(sets.map((set) => set.close()));
  await running?.stop();
});

describe('ReplicaSet against a primary and two streaming replicas', () => {
  it('serves reads from the replicas and writes from the primary, as the servers themselves count', async () => {
    const set = await openSet();
    for (const node of ['rs-primary', 'rs-replica-1', 'rs-replica-2']) await adminQuery(node, 'select pg_stat_statements_reset()');
    for (let i = 1; i <= 40; i++) await set.client.item.findUnique({ where: { id: i } });
    for (let i = 0; i < 5; i++) await set.client.item.create({ data: { name: `write-${i}` } });

    const selects = async (node: string) =>
      Number(
        (
          await adminQuery<{ calls: string | null }>(
            node,
            `select sum(calls) as calls from pg_stat_statements where query ilike 'select%"item"%' and query not ilike '%pg_stat%'`,
          )
        )[0]?.calls ?? 0,
      );
    const inserts = async (node: string) =>
      Number(
        (
          await adminQuery<{ calls: string | null }>(
            node,
            `select sum(calls) as calls from pg_stat_statements where query ilike 'insert into%"item"%'`,
          )
        )[0]?.calls ?? 0,
      );
    // Round robin gives each replica half, unless a lag sample on a loaded machine skipped one for a turn:
    // what must hold is that every read ran on a replica, and that the servers count what the set reports.
    const [onReplica1, onReplica2] = [await selects('rs-replica-1'), await selects('rs-replica-2')];
    expect(onReplica1 + onReplica2).toBe(40);
    expect(Math.min(onReplica1, onReplica2)).toBeGreaterThanOrEqual(15);
    expect(await selects('rs-primary')).toBe(0);
    expect(await inserts('rs-primary')).toBe(5);
    expect(nodeStats(set).map(({ reads, writes }) => ({ reads, writes }))).toEqual([
      { reads: 0, writes: 5 },
      { reads: onReplica1, writes: 0 },
      { reads: onReplica2, writes: 0 },
    ]);
  });

  it('runs raw reads made through $replica() on a replica, and plain raw SQL on the primary', async () => {
    const set = await openSet();
    const inRecovery = (rows: Array<{ r: boolean }>) => rows[0]?.r;
    expect(inRecovery(await set.client.$replica().$queryRaw<Array<{ r: boolean }>>`select pg_is_in_recovery() as r`)).toBe(true);
    expect(inRecovery(await set.client.$replica().$queryRawUnsafe<Array<{ r: boolean }>>('select pg_is_in_recovery() as r'))).toBe(true);
    expect(inRecovery(await set.client.$queryRaw<Array<{ r: boolean }>>`select pg_is_in_recovery() as r`)).toBe(false);
    expect(inRecovery(await set.client.$primary().$queryRaw<Array<{ r: boolean }>>`select pg_is_in_recovery() as r`)).toBe(false);
  });

  it('keeps routing under $extends: a query and a result extension run on the node the call was routed to', async () => {
    const set = await openSet();
    const seen: string[] = [];
    const extended = set.client
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
      .$extends({ result: { item: { shout: { needs: { name: true }, compute: (item) => item.name.toUpperCase() } } } });
    const before = nodeStats(set);
    const rows = await extended.item.findMany({ where: { id: { lte: 2 } }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.shout)).toEqual(['SEED-1', 'SEED-2']);
    expect((await extended.item.create({ data: { name: 'extended' } })).shout).toBe('EXTENDED');
    const after = nodeStats(set);
    expect(after[0]).toMatchObject({ reads: before[0]!.reads, writes: before[0]!.writes + 1 });
    expect(after[1]!.reads + after[2]!.reads).toBe(before[1]!.reads + before[2]!.reads + 1);
    expect(seen).toEqual(['findMany', 'create']);
    // $replica() and $primary() of an extended client keep their meaning.
    const replicated = extended as unknown as typeof set.client;
    const inRecovery = async (client: typeof set.client) =>
      (await client.$queryRaw<Array<{ r: boolean }>>`select pg_is_in_recovery() as r`)[0]?.r;
    expect(await inRecovery(replicated.$replica() as typeof set.client)).toBe(true);
    expect(await inRecovery(replicated.$primary() as typeof set.client)).toBe(false);
    expect((await replicated.$replica().item.findFirst({ where: { id: 1 } }))?.name).toBe('seed-1');
  });

  it.each<[ReplicaPolicy, (replica1: number, replica2: number) => void]>([
    ['round-robin', (r1, r2) => expect([r1, r2]).toEqual([150, 150])],
    // Topology weights 3:1.
    ['weighted', (r1, r2) => expect(Math.abs(r1 / (r1 + r2) - 0.75)).toBeLessThan(0.05)],
    ['random', (r1, r2) => expect(Math.min(r1, r2)).toBeGreaterThan(90)],
    ['least-outstanding', (r1, r2) => expect(Math.min(r1, r2)).toBeGreaterThan(0)],
  ])('routes reads by the %s policy and never reads from the primary', async (policy, check) => {
    const set = await openSet({ policy });
    // Concurrent reads, as a service makes them.
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        for (let i = 0; i < 50; i++) await set.client.item.findMany({ where: { id: { lte: 1 + ((worker + i) % 100) } }, take: 1 });
      }),
    );
    await set.client.item.create({ data: { name: policy } });
    const [primary, replica1, replica2] = nodeStats(set);
    expect(primary).toMatchObject({ reads: 0, writes: 1 });
    expect(replica1!.reads + replica2!.reads).toBe(300);
    check(replica1!.reads, replica2!.reads);
  });

  it('takes a replica whose replay is paused out of rotation and brings it back when resumed', async () => {
    const maxLagMs = 100;
    const set = await openSet({ maxLagMs });
    await pauseReplay('rs-replica-1');
    try {
      await set.client.item.create({ data: { name: 'while paused' } });
      // Its lag passes the bound maxLagMs after the write; the next poll sees it.
      await set.monitor.afterRounds(Math.ceil(maxLagMs / interval) + 1);
      const replica1 = set.status()[1]!;
      expect(replica1.inRotation).toBe(false);
      expect(replica1.lag).toMatchObject({ paused: true, withinBound: false });
      expect(replica1.lag!.lagBytes).toBeGreaterThan(0);
      const before = nodeStats(set);
      for (let i = 0; i < 20; i++) await set.client.item.findMany({ take: 1 });
      const after = nodeStats(set);
      expect(after[1]!.reads - before[1]!.reads).toBe(0);
      expect(after[2]!.reads - before[2]!.reads).toBe(20);
    } finally {
      await resumeReplay('rs-replica-1');
    }
    await set.monitor.afterRounds(2);
    expect(set.status()[1]!.inRotation).toBe(true);
    const before = nodeStats(set)[1]!.reads;
    for (let i = 0; i < 20; i++) await set.client.item.findMany({ take: 1 });
    expect(nodeStats(set)[1]!.reads - before).toBe(10);
  });

  it('reads your writes: with every replica paused (and a lag bound too loose to notice), 1,000 write-then-read pairs see the write', async () => {
    const metrics = new DataMetrics({ service: 'fixture' });
    // A bound of a minute keeps the paused replicas in rotation: only read-your-writes protects the reads.
    const set = await openSet({ maxLagMs: 60_000 }, metrics);
    const row = await set.client.item.create({ data: { name: 'ryw', value: 0 } });
    await set.monitor.afterRounds(2);
    await pauseReplay('rs-replica-1');
    await pauseReplay('rs-replica-2');
    try {
      // Control: without a session, reads after a write go to the (paused) replicas and miss it.
      await set.client.item.update({ where: { id: row.id }, data: { value: -1 } });
      const unsessioned = await set.client.item.findUnique({ where: { id: row.id } });
      expect(unsessioned?.value).toBe(0);

      let mismatches = 0;
      for (let i = 1; i <= 1_000; i++) {
        const seen = await runWithRequestContext({ userId: 'writer', requestId: `r${i}` }, async () => {
          await set.client.item.update({ where: { id: row.id }, data: { value: i } });
          return (await set.client.item.findUnique({ where: { id: row.id } }))?.value;
        });
        if (seen !== i) mismatches++;
      }
      expect(mismatches).toBe(0);
      const routing = await metrics.registry.getSingleMetricAsString('neo_data_routing_decisions_total');
      expect(routing).toMatch(/reason="read_your_writes"[^\n]* 1000/);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/neo_data_replica_lag_bytes\{database="neo_replica_fixture",node="rs\/rs-replica-1"[^}]*\} [1-9]/);
      expect(text).toMatch(/neo_data_pool_connection_reuse_ratio\{database="neo_replica_fixture",node="rs\/rs-primary"[^}]*\} 0\.9/);
      expect(text).not.toContain('rs-secret');
    } finally {
      await resumeReplay('rs-replica-1');
      await resumeReplay('rs-replica-2');
    }
    // Once replayed, the same session's reads go back to the replicas.
    await set.monitor.afterRounds(2);
    const before = nodeStats(set);
    const values = await runWithRequestContext({ userId: 'writer' }, async () =>
      Promise.all(Array.from({ length: 10 }, async () => (await set.client.item.findFirst({ where: { id: row.id } }))?.value)),
    );
    expect(values).toEqual(Array(10).fill(1_000));
    const after = nodeStats(set);
    expect(after[0]!.reads - before[0]!.reads).toBe(0);
    expect(after[1]!.reads + after[2]!.reads - before[1]!.reads - before[2]!.reads).toBe(10);
  });

  it('shares one lag poll per server between sets of different databases, and keeps polling for the one left open', async () => {
    const servers = ['rs-primary', 'rs-replica-1', 'rs-replica-2'];
    const pollingConnections = async () =>
      Promise.all(
        servers.map(async (node) =>
          Number(
            (
              await adminQuery<{ n: string }>(node, `select count(*) as n from pg_stat_activity where application_name = 'neo-lag-monitor'`)
            )[0]!.n,
          ),
        ),
      );
    const before = await pollingConnections();
    const lagMonitors = new SharedLagMonitors();
    const openOn = async (database: string) => {
      const set = createReplicaSet({
        primary: { ...primaryNode, database },
        replicas: replicaNodes.map((replica) => ({ ...replica, database })),
        reads: { policy: 'round-robin', maxLagMs: 100, lagPollIntervalMs: interval },
        createClient: (adapter) => new PrismaClient({ adapter }),
        lagMonitors,
      });
      sets.push(set);
      await set.ready();
      return set;
    };
    const fixture = await openOn('neo_replica_fixture');
    const monolith = await openOn('neo_service_layer');
    expect(monolith.monitor).toBe(fixture.monitor);
    // One polling connection per server for both sets (each set alone would open one of its own).
    await until(
      async () => (await pollingConnections()).every((count, index) => count === before[index]! + 1),
      'one polling connection per server',
    );
    // Each set reports lag under its own nodes' labels.
    expect(monolith.status().map((node) => [node.label, node.lag?.label ?? null])).toEqual([
      ['rs/rs-primary/neo_service_layer', null],
      ['rs/rs-replica-1/neo_service_layer', 'rs/rs-replica-1/neo_service_layer'],
      ['rs/rs-replica-2/neo_service_layer', 'rs/rs-replica-2/neo_service_layer'],
    ]);

    // The other set closes: the monitor keeps polling for the fixture's set, whose reads stay on the replicas.
    await monolith.close();
    await fixture.monitor.afterRounds(2);
    expect(
      fixture
        .status()
        .filter((node) => node.role === 'replica')
        .map((node) => node.inRotation),
    ).toEqual([true, true]);
    const statsBefore = nodeStats(fixture);
    for (let id = 1; id <= 20; id++) await fixture.client.item.findUnique({ where: { id } });
    const statsAfter = nodeStats(fixture);
    expect(statsAfter[0]!.reads - statsBefore[0]!.reads).toBe(0);
    expect(statsAfter[1]!.reads + statsAfter[2]!.reads - statsBefore[1]!.reads - statsBefore[2]!.reads).toBe(20);

    // The last one closes: the monitor stops and its connections go.
    await fixture.close();
    await until(
      async () => (await pollingConnections()).every((count, index) => count === before[index]!),
      'the polling connections to close',
    );
  });

  it('loses no read when a replica stops under load, and uses it again once it is back', async () => {
    const set = await openSet();
    let failures = 0;
    let reads = 0;
    let loading = true;
    const load = Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        while (loading) {
          try {
            await set.client.item.findFirst({ where: { id: 1 + ((worker + reads) % 100) } });
            reads++;
          } catch {
            failures++;
          }
        }
      }),
    );
    try {
      await until(() => reads > 200, 'some load before the stop');
      await running.stopNode('rs', 'rs-replica-1');
      const atStop = reads;
      await until(() => set.status()[1]!.breaker === 'open' || !set.status()[1]!.inRotation, 'the stopped replica to leave the rotation');
      await until(() => reads > atStop + 500, 'reads to continue on the other nodes');
      await running.startNode('rs', 'rs-replica-1');
      await until(() => set.status()[1]!.inRotation === true, 'the restarted replica to rejoin', 400);
      const readsBeforeRejoin = nodeStats(set)[1]!.reads;
      await until(() => nodeStats(set)[1]!.reads > readsBeforeRejoin + 50, 'reads on the restarted replica');
    } finally {
      loading = false;
      await load;
    }
    expect(failures).toBe(0);
    expect(nodeStats(set)[1]!.connectionErrors).toBeGreaterThan(0);
  });

  it('fails writes with PrimaryUnavailableError while the primary is stopped, and keeps serving reads', async () => {
    const set = await openSet();
    await running.stopNode('rs', 'rs-primary');
    try {
      const durations: number[] = [];
      for (let i = 0; i < 3; i++) {
        const startedAt = performance.now();
        const error = await set.client.item.create({ data: { name: 'primary down' } }).then(
          () => undefined,
          (e: unknown) => e,
        );
        durations.push(Math.round(performance.now() - startedAt));
        expect(error).toBeInstanceOf(PrimaryUnavailableError);
        expect(error).toMatchObject({ code: 'PRIMARY_UNAVAILABLE', node: 'rs/rs-primary/neo_replica_fixture' });
        expect(String((error as Error).message)).not.toContain('rs-secret');
      }
      console.log(`writes with the primary stopped failed after ${durations.join(', ')} ms`);
      await expect(set.client.$transaction(async (tx) => tx.item.count())).rejects.toBeInstanceOf(PrimaryUnavailableError);

      await set.monitor.afterRounds(2);
      const values = await Promise.all(Array.from({ length: 50 }, (_, i) => set.client.item.findUnique({ where: { id: 1 + i } })));
      expect(values.every((value) => value !== null)).toBe(true);
      expect(nodeStats(set)[0]!.reads).toBe(0);
    } finally {
      await running.startNode('rs', 'rs-primary');
    }
  });
});
