import { PrismaClient } from '../generated/replica-fixture/client.js';
// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import type { RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataNode, serviceTargets, topologySchema } from '@neo/topology';
import { QueryTimeoutError } from './query-timeout.error.js';
import { createReplicaSet, type ReplicaSet } from './replica-set.js';

/*
 * Real servers: a primary and a streaming replica whose pool block sets short statement and
 * transaction timeouts. A slow statement, a lock wait, a transaction left open and a primary whose
 * backends stop answering (SIGSTOP) each end quickly in a QueryTimeoutError of the right kind.
 */

const STATEMENT_TIMEOUT_MS = 400;
const TRANSACTION_TIMEOUT_MS = 700;

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    to: {
      temperature: 'hot',
      credentials: { user: 'neo_to', password: 'to-secret' },
      primary: { name: 'to-primary' },
      replicas: [{ name: 'to-replica' }],
      pool: { max: 4, statementTimeoutMs: STATEMENT_TIMEOUT_MS, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS },
    },
  },
  services: { fixture: { cluster: 'to', database: 'neo_timeout_fixture' } },
  monolith: { cluster: 'to', database: 'neo_service_layer' },
});

let running: RunningTopology;
let primaryNode: DataNode;
let set: ReplicaSet<PrismaClient>;

function ownerClient(node: DataNode): pg.Client {
  return new pg.Client({ host: node.host, port: node.port, user: node.user, password: node.password, database: node.database });
}

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, clusters: ['to'] });
  const targets = serviceTargets(running.topology, 'fixture');
  primaryNode = targets.primary;
  const owner = ownerClient(primaryNode);
  await owner.connect();
  await owner.query(
    `create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())`,
  );
  await owner.query(`insert into item (name) values ('first')`);
  await owner.end();
  set = createReplicaSet({
    primary: targets.primary,
    replicas: targets.replicas,
    reads: { policy: 'round-robin', maxLagMs: 1_000, lagPollIntervalMs: 100 },
    createClient: (adapter) => new PrismaClient({ adapter }),
    breaker: { failureThreshold: 5 },
  });
  await set.ready();
}, 180_000);

afterAll(async () => {
  await set?.close();
  await running?.stop();
});

async function timeoutOf(work: Promise<unknown>): Promise<QueryTimeoutError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryTimeoutError);
  return error as QueryTimeoutError;
}

describe('statement and transaction timeouts from the topology', () => {
  it('cancels a statement that runs past statementTimeoutMs, on the primary and on a replica', async () => {
    const onPrimary = await timeoutOf(set.client.$queryRaw`select pg_sleep(5)`);
    expect(onPrimary.kind).toBe('statement');
    expect(onPrimary.node).toBe('to/to-primary/neo_timeout_fixture');
    const onReplica = await timeoutOf(set.client.$replica().$queryRaw`select pg_sleep(5)`);
    expect(onReplica).toMatchObject({ kind: 'statement', node: 'to/to-replica/neo_timeout_fixture' });
    // The server is up: the next call works.
    expect(await set.client.item.count()).toBe(1);
  });

  it('cancels a write waiting on a row locked by another session', async () => {
    const locker = ownerClient(primaryNode);
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select * from item where id = 1 for update');
      const error = await timeoutOf(set.client.item.update({ where: { id: 1 }, data: { value: 1 } }));
      expect(error.kind).toBe('statement');
      expect(error.message).toContain('statementTimeoutMs');
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
    expect((await set.client.$primary().item.findUnique({ where: { id: 1 } }))?.value).toBe(0);
  });

  it('rolls back an interactive transaction open longer than transactionTimeoutMs', async () => {
    const error = await timeoutOf(
      set.client.$transaction(async (tx) => {
        await tx.item.create({ data: { name: 'in-a-slow-transaction' } });
        await sleep(TRANSACTION_TIMEOUT_MS + 400);
        await tx.item.count();
      }),
    );
    expect(error.kind).toBe('transaction');
    expect(await set.client.$primary().item.count({ where: { name: 'in-a-slow-transaction' } })).toBe(0);
    // A caller's own timeout wins over the topology's.
    await set.client.$transaction(
      async (tx) => {
        await sleep(TRANSACTION_TIMEOUT_MS + 200);
        await tx.item.count();
      },
      { timeout: 5_000 },
    );
  });

  it('gives up on a primary that accepted the call and stopped answering, with a no-answer timeout', async () => {
    // Warm the pool, then stop every backend serving this service's primary pool.
    await set.client.item.create({ data: { name: 'before-the-hang' } });
    const admin = running.admin['to']!;
    const endpoint = running.endpoints['to/to-primary']!;
    const watcher = new pg.Client({
      host: endpoint.host,
      port: endpoint.port,
      user: admin.user,
      password: admin.password,
      database: 'postgres',
    });
    await watcher.connect();
    const pids = (
      await watcher.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = 'neo_timeout_fixture' and application_name = 'neo:to-primary' and pid <> pg_backend_pid()`,
      )
    ).rows.map((row) => row.pid);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      const error = await timeoutOf(set.client.item.create({ data: { name: 'while-hung' } }));
      expect(error.kind).toBe('no-answer');
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    } finally {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone: the client dropped the connection.
        }
      }
      await watcher.end();
    }
    // The connections that hung were dropped; new ones work.
    expect(await set.client.item.count({ where: { name: 'before-the-hang' } })).toBe(1);
  });
});
