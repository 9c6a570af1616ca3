import { PrismaClient } from '../generated/replica-fixture/client.js';
import { promoteReplica, startTopology, type FailoverNode, type RunningTopology } from '@neo/topology-runtime';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceTargets, topologySchema } from '@neo/topology';
import { DataEventLog, type EventLogger } from '../logging/index.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import { PrimaryUnavailableError } from './primary-unavailable.error.js';
import { createReplicaSet, type ReplicaSet } from './replica-set.js';

/*
 * Failover under steady load, on real servers: one primary and two streaming replicas (embedded
 * PostgreSQL), the fixture schema of prisma/_fixture_replica. A writer inserts rows one after
 * another, each followed by a read; a reader reads without pause. The primary's postmaster is
 * killed (SIGKILL), a replica is promoted as `neo-db failover` does, and the replica set must
 * move its writes there by itself.
 *
 * FAILOVER_RUNS=10 repeats the kill-and-promote run on fresh servers and prints the p50/p95 of
 * the write unavailability window (CI runs it once).
 */

const RUNS = Math.max(1, Number(process.env['FAILOVER_RUNS'] ?? 1));
const CLUSTER = 'fo';

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    [CLUSTER]: {
      temperature: 'hot',
      credentials: { user: 'neo_fo', password: 'fo-secret' },
      primary: { name: 'fo-primary' },
      replicas: [{ name: 'fo-replica-1' }, { name: 'fo-replica-2' }],
      // A commit returns once a replica has it: the promoted replica then has every acknowledged write.
      synchronousReplicas: 1,
      pool: { max: 4 },
    },
  },
  services: { fixture: { cluster: CLUSTER, database: 'neo_replica_fixture' } },
  monolith: { cluster: CLUSTER, database: 'neo_service_layer' },
});

const started: RunningTopology[] = [];
const sets: ReplicaSet<PrismaClient>[] = [];

afterAll(async () => {
  await Promise.allSettled(sets.map((set) => set.close()));
  await Promise.allSettled(started.map((running) => running.stop()));
}, 120_000);

function failoverNode(running: RunningTopology, name: string): FailoverNode {
  const endpoint = running.endpoints[`${CLUSTER}/${name}`]!;
  const admin = running.admin[CLUSTER]!;
  return { name, target: { host: endpoint.host, port: endpoint.port, user: admin.user, password: admin.password } };
}

async function adminQuery<T extends pg.QueryResultRow>(running: RunningTopology, node: string, sql: string): Promise<T[]> {
  const { target } = failoverNode(running, node);
  const client = new pg.Client({ ...target, database: 'neo_replica_fixture' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string, attempts = 600): Promise<void> {
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

/** Servers of this test's own, with the table and a replica set following them. */
async function startCluster(): Promise<{
  running: RunningTopology;
  set: ReplicaSet<PrismaClient>;
  events: object[];
  metrics: DataMetrics;
}> {
  const running = await startTopology(topology, { provider: 'embedded', clusters: [CLUSTER] });
  started.push(running);
  const { primary, replicas } = serviceTargets(running.topology, 'fixture');
  const owner = new pg.Client({
    host: primary.host,
    port: primary.port,
    user: primary.user,
    password: primary.password,
    database: primary.database,
  });
  await owner.connect();
  await owner.query(
    `create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())`,
  );
  await owner.end();
  // Replicas are read with a read-only role of their own, as the declared services' are: a
  // promoted replica then needs a write client of its own, with the primary's login.
  await adminQuery(running, 'fo-primary', `create role neo_fo_ro login password 'fo-ro-secret'`);
  await adminQuery(running, 'fo-primary', `grant connect on database neo_replica_fixture to neo_fo_ro; grant select on item to neo_fo_ro`);
  for (const replica of ['fo-replica-1', 'fo-replica-2']) {
    await until(
      async () => (await adminQuery(running, replica, `select to_regclass('item') is not null as ok`))[0]?.['ok'] === true,
      `the table on ${replica}`,
    );
  }
  const events: object[] = [];
  const capture: EventLogger = { log: (message) => events.push(message as object), warn: (message) => events.push(message as object) };
  const metrics = new DataMetrics({ service: 'fixture' });
  metrics.events = new DataEventLog('fixture', capture);
  const set = createReplicaSet({
    primary,
    replicas: replicas.map((replica) => ({ ...replica, user: 'neo_fo_ro', password: 'fo-ro-secret' })),
    reads: { policy: 'round-robin', maxLagMs: 1_000, lagPollIntervalMs: 100 },
    createClient: (adapter) => new PrismaClient({ adapter }),
    metrics,
  });
  sets.push(set);
  await set.ready();
  return { running, set, events, metrics };
}

interface LoadResult {
  /** Names of the writes that were acknowledged, in order. */
  acknowledged: string[];
  /** Names of the writes that failed, with the error's class. */
  failed: { name: string; error: string }[];
  readErrors: unknown[];
  reads: number;
  /** performance.now() of each acknowledged write, with the node the set sent it to. */
  ackedAt: { at: number; node: string }[];
  firstFailureAt?: number;
}

/** Write-then-read in a loop, plus a reader that never pauses, until `stop` is set. */
function startLoad(set: ReplicaSet<PrismaClient>, prefix: string): { result: LoadResult; stop: () => Promise<void> } {
  const result: LoadResult = { acknowledged: [], failed: [], readErrors: [], reads: 0, ackedAt: [] };
  let stopping = false;
  const writer = (async () => {
    for (let i = 0; !stopping; i++) {
      const name = `${prefix}-${i}`;
      try {
        const node = set.primary.label;
        const row = await set.client.item.create({ data: { name } });
        result.acknowledged.push(name);
        result.ackedAt.push({ at: performance.now(), node });
        await set.client.item.findUnique({ where: { id: row.id } });
      } catch (error) {
        result.firstFailureAt ??= performance.now();
        // Only the typed 503 is an acceptable answer while the primary moves.
        result.failed.push({ name, error: error instanceof PrimaryUnavailableError ? 'PrimaryUnavailableError' : String(error) });
        await sleep(10);
      }
      await sleep(2);
    }
  })();
  const reader = (async () => {
    while (!stopping) {
      try {
        await set.client.item.findFirst({ orderBy: { id: 'desc' } });
        result.reads++;
      } catch (error) {
        result.readErrors.push(error);
      }
      await sleep(2);
    }
  })();
  return {
    result,
    stop: async () => {
      stopping = true;
      await Promise.all([writer, reader]);
    },
  };
}

/** Every acknowledged write present exactly once; a failed one at most once (its commit may have happened before the answer was lost). */
async function expectWritesKept(running: RunningTopology, node: string, load: LoadResult): Promise<void> {
  const rows = await adminQuery<{ name: string; n: string }>(running, node, 'select name, count(*) as n from item group by name');
  const counts = new Map(rows.map((row) => [row.name, Number(row.n)]));
  expect(load.acknowledged.filter((name) => counts.get(name) !== 1)).toEqual([]);
  expect(load.failed.filter(({ name }) => (counts.get(name) ?? 0) > 1)).toEqual([]);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let survivor: Awaited<ReturnType<typeof startCluster>> | undefined;

describe('failover under load', () => {
  it(
    'kill the primary, promote a replica: writes resume there with no restart, reads never stop, no acknowledged write lost or doubled',
    async () => {
      const windows: { unavailableMs: number; detectMs: number; promoteMs: number }[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const cluster = await startCluster();
        const { running, set, events, metrics } = cluster;
        const load = startLoad(set, `run${run}`);
        await until(() => load.result.acknowledged.length >= 30, 'writes before the kill');

        const pid = Number(readFileSync(path.join(running.dataDir!, CLUSTER, 'fo-primary', 'postmaster.pid'), 'utf8').split('\n')[0]);
        const killedAt = performance.now();
        process.kill(pid, 'SIGKILL');
        // The operator notices: here, as soon as a write has failed.
        await until(() => load.result.firstFailureAt !== undefined, 'a write to fail');
        const failoverStarted = performance.now();
        const outcome = await promoteReplica({
          cluster: CLUSTER,
          primary: failoverNode(running, 'fo-primary'),
          replicas: [failoverNode(running, 'fo-replica-1'), failoverNode(running, 'fo-replica-2')],
        });
        const promotedAt = performance.now();
        expect(outcome.oldPrimary).toBe('unreachable');
        expect(outcome.repointed).toHaveLength(1);
        const promotedLabel = `${CLUSTER}/${outcome.promoted}/neo_replica_fixture`;
        await until(() => load.result.ackedAt.some((ack) => ack.node === promotedLabel), 'a write on the promoted replica');
        const firstAfter = load.result.ackedAt.find((ack) => ack.node === promotedLabel)!;
        const writesAfter = load.result.acknowledged.length;
        await until(() => load.result.acknowledged.length >= writesAfter + 30, 'writes after the failover');
        await load.stop();

        expect(set.primary.label).toBe(promotedLabel);
        expect(load.result.ackedAt.filter((ack) => ack.at > promotedAt).every((ack) => ack.node === promotedLabel)).toBe(true);
        expect(load.result.readErrors).toEqual([]);
        expect(load.result.failed.filter((failure) => failure.error !== 'PrimaryUnavailableError')).toEqual([]);
        await expectWritesKept(running, outcome.promoted, load.result);
        // The other replica streams from the new primary: it ends up with the same rows.
        const other = outcome.repointed[0]!;
        const total = (await adminQuery<{ n: string }>(running, outcome.promoted, 'select count(*) as n from item'))[0]!.n;
        await until(
          async () => (await adminQuery<{ n: string }>(running, other, 'select count(*) as n from item'))[0]!.n === total,
          `${other} to catch up`,
        );

        expect(events.filter((event) => (event as { event?: string }).event === 'primary-change')).toHaveLength(1);
        expect(await metrics.registry.getSingleMetricAsString('neo_data_primary_changes_total')).toContain(
          `node="${CLUSTER}/${outcome.promoted}"`,
        );

        const window = {
          unavailableMs: firstAfter.at - killedAt,
          // Kill → the failover starts: how long the outage takes to notice (here, the first failed write).
          detectMs: failoverStarted - killedAt,
          // The failover starts → the first write acknowledged by the promoted node (fence attempt, choice,
          // pg_promote, the next lag poll finding the new primary).
          promoteMs: firstAfter.at - failoverStarted,
        };
        windows.push(window);
        console.log(
          `failover run ${run}: writes unavailable ${Math.round(window.unavailableMs)} ms ` +
            `(detection ${Math.round(window.detectMs)} ms, failover to first write on the promoted node ${Math.round(window.promoteMs)} ms; ` +
            `the pg_promote call took ${Math.round(outcome.timings.promoteMs)} ms, repointing the other replica ${Math.round(outcome.timings.repointMs)} ms); ` +
            `${load.result.failed.length} writes got the typed 503, ${load.result.reads} reads, 0 read errors`,
        );
        if (run < RUNS) {
          await set.close();
          await running.stop();
        } else {
          survivor = cluster;
        }
      }
      if (RUNS > 1) {
        const p = (pick: (window: (typeof windows)[number]) => number, at: number) => Math.round(percentile(windows.map(pick), at));
        console.log(
          `failover over ${RUNS} runs: write unavailability p50 ${p((w) => w.unavailableMs, 50)} ms, p95 ${p((w) => w.unavailableMs, 95)} ms; ` +
            `detection p50 ${p((w) => w.detectMs, 50)} ms, p95 ${p((w) => w.detectMs, 95)} ms; ` +
            `failover to first write p50 ${p((w) => w.promoteMs, 50)} ms, p95 ${p((w) => w.promoteMs, 95)} ms`,
        );
      }
    },
    180_000 * RUNS,
  );

  it('fences a primary that still answers: it refuses writes, and writes that reach it move to the new primary', async () => {
    expect(survivor).toBeDefined();
    const { running, set } = survivor!;
    const oldPrimary = set.primary.label.split('/')[1]!;
    const remaining = ['fo-replica-1', 'fo-replica-2'].find((name) => name !== oldPrimary)!;
    const load = startLoad(set, 'fence');
    await until(() => load.result.acknowledged.length >= 20, 'writes before the fence');

    const outcome = await promoteReplica({
      cluster: CLUSTER,
      primary: failoverNode(running, oldPrimary),
      replicas: [failoverNode(running, remaining)],
    });
    const fencedAt = performance.now();
    expect(outcome).toMatchObject({ promoted: remaining, oldPrimary: 'read-only' });
    const writesAfter = load.result.acknowledged.length;
    await until(() => load.result.acknowledged.length >= writesAfter + 20, 'writes after the fence');
    await load.stop();

    expect(set.primary.label).toBe(`${CLUSTER}/${remaining}/neo_replica_fixture`);
    expect(load.result.readErrors).toEqual([]);
    // A write that reached the fenced node was refused (25006): retried on the new primary once there is one, else the typed 503.
    expect(load.result.failed.filter((failure) => failure.error !== 'PrimaryUnavailableError')).toEqual([]);
    await expectWritesKept(running, remaining, load.result);
    // The fenced node took no write after the fence: every row it has, the new primary has too.
    const fencedRows = await adminQuery<{ n: string }>(running, oldPrimary, `select count(*) as n from item where name like 'fence-%'`);
    const ackedAfterFence = load.result.acknowledged.filter((_, index) => load.result.ackedAt[index]!.at > fencedAt);
    const onFenced = await adminQuery<{ name: string }>(running, oldPrimary, `select name from item where name like 'fence-%'`);
    expect(onFenced.filter((row) => ackedAfterFence.includes(row.name))).toEqual([]);
    expect(Number(fencedRows[0]!.n)).toBeLessThanOrEqual(load.result.acknowledged.length);
    await expect(adminQuery(running, oldPrimary, `insert into item (name) values ('after-fence')`)).rejects.toMatchObject({
      code: '25006',
    });
  }, 120_000);

  it('brings the killed primary back as a replica of the new primary: it streams, has every row, and serves reads again', async () => {
    expect(survivor).toBeDefined();
    const { running, set } = survivor!;
    const primary = set.primary.label.split('/')[1]!;
    await running.rejoinAsReplica!(CLUSTER, 'fo-primary', primary);
    const total = (await adminQuery<{ n: string }>(running, primary, 'select count(*) as n from item'))[0]!.n;
    await until(
      async () => (await adminQuery<{ n: string }>(running, 'fo-primary', 'select count(*) as n from item'))[0]!.n === total,
      'fo-primary to catch up',
    );
    expect((await adminQuery<{ r: boolean }>(running, 'fo-primary', 'select pg_is_in_recovery() as r'))[0]!.r).toBe(true);
    // The replica set finds it replaying and puts it back into rotation, with no restart.
    await until(
      () =>
        set
          .status()
          .some(
            (node) => node.label === `${CLUSTER}/fo-primary/neo_replica_fixture` && node.role === 'replica' && node.inRotation === true,
          ),
      'fo-primary back in rotation',
    );
    expect(set.primary.label).toBe(`${CLUSTER}/${primary}/neo_replica_fixture`);
  }, 120_000);
});
