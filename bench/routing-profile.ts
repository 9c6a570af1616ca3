/**
 * A workload to profile the routing layer against bare Prisma: `--calls` primary-key `findUnique`
 * calls (or, with `--operation create`, single-row `create` calls) at `--concurrency`, on a database this script makes (and drops) on a PostgreSQL server
 * the caller names, through one client:
 * - `bare`: a plain Prisma client;
 * - `routed`: the replica-routed client (a primary and one replica, both this server; every
 *   replica fresh, so reads go to the replica), with the retry wrapper `connectDatabase` adds;
 * - `sharded`: the sharded client over one shard (a bare Prisma client).
 * It prints the client CPU µs per call; run it under `node --cpu-prof` to see where that goes.
 *
 *   node --import ./tools/typescript-sources.mjs --cpu-prof --cpu-prof-dir /tmp/prof \
 *     bench/routing-profile.ts --client routed [--operation findUnique|create] [--calls 50000] [--concurrency 1] [--url postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Sharding } from '@neo/topology';
import { PrismaClient } from '../libs/data/src/generated/replica-fixture/client.js';
import { retryTransientWrites } from '../libs/data/src/data-source/retry-transient-writes.js';
import { DataMetrics } from '../libs/data/src/metrics/data-metrics.js';
import { CircuitBreaker } from '../libs/data/src/replication/circuit-breaker.js';
import { NodeClient } from '../libs/data/src/replication/node-client.js';
import { NodeRoles } from '../libs/data/src/replication/node-roles.js';
import { ReadWriteRouter } from '../libs/data/src/replication/read-write-router.js';
import { RoundRobinPicker } from '../libs/data/src/replication/replica-pickers.js';
import { ReplicaSelector } from '../libs/data/src/replication/replica-selector.js';
import { createRoutedClient } from '../libs/data/src/replication/routed-client.js';
import { SessionWrites } from '../libs/data/src/replication/session-writes.js';
import { createShardedClient } from '../libs/data/src/sharding/index.js';
import { present } from './bench-stats.js';

const { values: cli } = parseArgs({
  options: {
    client: { type: 'string', default: 'routed' },
    operation: { type: 'string', default: 'findUnique' },
    calls: { type: 'string', default: '50000' },
    concurrency: { type: 'string', default: '1' },
    url: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const calls = Number(cli.calls);
const concurrency = Number(cli.concurrency);

const database = `routing_profile_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: cli.url });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(cli.url);
url.pathname = `/${database}`;
const pools: pg.Pool[] = [];
const prisma = () => {
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pools.push(pool);
  return new PrismaClient({ adapter: new PrismaPg(pool as unknown as ConstructorParameters<typeof PrismaPg>[0]) });
};

try {
  const setup = new pg.Client({ connectionString: url.toString() });
  await setup.connect();
  await setup.query(
    'create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())',
  );
  await setup.query("insert into item (name) select 'seed-' || g from generate_series(1, 10000) g");
  await setup.end();

  const client = clientFor(present(cli.client, 'a --client'));
  const read =
    cli.operation === 'create'
      ? (i: number) => client.item.create({ data: { name: `made-${i}` } })
      : (i: number) => client.item.findUnique({ where: { id: 1 + ((i * 7919) % 10_000) } });
  for (let i = 0; i < 2_000; i++) await read(i);

  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await read(next++);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${cli.client}: ${calls} ${cli.operation} at concurrency ${concurrency}: ${(calls / seconds).toFixed(0)} calls/s, ` +
      `${((cpu.user + cpu.system) / calls).toFixed(1)} µs CPU per call`,
  );
} finally {
  await Promise.allSettled(pools.map((pool) => pool.end()));
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}

function clientFor(kind: string): PrismaClient {
  if (kind === 'bare') return prisma();
  if (kind === 'routed') {
    const metrics = new DataMetrics({ service: 'profile' });
    const node = (label: string, role: 'primary' | 'replica') =>
      new NodeClient(
        label,
        role,
        1,
        retryTransientWrites(prisma()),
        new CircuitBreaker(),
        metrics.queryRecorder({ database, node: label, role }),
      );
    const primary = node('primary', 'primary');
    const roles = new NodeRoles([primary, node('replica', 'replica')], primary);
    // As a replica set does: each node's routing counter made once.
    const routing = new Map(
      roles.nodes.map((target) => [target, metrics.routingRecorder({ database, node: target.label, role: target.role })]),
    );
    const allFresh = { isWithinLag: () => true, replayLsn: () => 1n, primaryLsnObservedAfter: () => 0n };
    const sessions = new SessionWrites();
    const router = new ReadWriteRouter(
      roles,
      new ReplicaSelector(roles, new RoundRobinPicker(), allFresh, sessions),
      sessions,
      (target, reason) => present(routing.get(target), 'the routing recorder of a node')(reason),
    );
    return createRoutedClient(router);
  }
  if (kind === 'sharded') {
    const sharding: Sharding = {
      strategy: 'modulo',
      key: 'id',
      models: ['Item'],
      referenceModels: [],
      singleModels: {},
      modulus: 1,
      shards: [{ name: 's0', database, remainder: 0 }],
    };
    return createShardedClient({ sharding, shards: [{ name: 's0', client: prisma() }] }) as unknown as PrismaClient;
  }
  throw new Error(`--client is bare, routed or sharded, not ${kind}`);
}
