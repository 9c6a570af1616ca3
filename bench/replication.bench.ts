/**
 * Replica-aware client benchmarks, each figure a ratio against a baseline measured in the same run:
 *  1. per-query overhead of the routed client against bare Prisma and raw `pg` on the same node
 *     (primary-key read on a replica, single-row insert on the primary; concurrency 1 and 16;
 *     median of several interleaved runs), with `@prisma/extension-read-replicas` for reference,
 *     and of the client a database without replicas gets (`connectDatabase` on a primary alone,
 *     as for the application and analytics clusters and the monolith side);
 *  2. replica lag p50/p95 as the lag monitor sees it under a write load (seed target < 100 ms);
 *  3. connection reuse (1 - connections opened / acquisitions) under a steady load (seed target > 80 %);
 *  4. the cost of TLS (verify-full, as the default topology runs): a PK read on a TLS-only primary
 *     against the same read on a plain one (raw `pg` and bare Prisma, pooled, c=1 and c=16; and a
 *     new connection per read, which pays the handshake). `--only tls` runs this section alone,
 *     `--only overhead` section 1 alone.
 *
 * Run (Node 24 from node_modules/.bin; the fixture client must be generated first):
 *   export PATH=$PWD/node_modules/.bin:$PATH
 *   PRISMA_SCHEMA_ENGINE_BINARY=/bin/true prisma generate --schema prisma/_fixture_replica/schema.prisma
 *   node --import ./tools/typescript-sources.mjs bench/replication.bench.ts [--runs 15] [--seconds 0.5] [--only tls|overhead]
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { readReplicas } from '@prisma/extension-read-replicas';
import pg from 'pg';
import { parseArgs } from 'node:util';
import { serviceTargets, toPgPoolConfig, topologySchema, type DataNode } from '@neo/topology';
import { startTopology } from '@neo/topology-runtime';
import { PrismaClient } from '../libs/data/src/generated/replica-fixture/client.js';
import { connectDatabase } from '../libs/data/src/data-source/connect-database.js';
import { DataMetrics } from '../libs/data/src/metrics/data-metrics.js';
import { NodePools } from '../libs/data/src/pool/node-pools.js';
import { createReplicaSet } from '../libs/data/src/replication/replica-set.js';
import { median, percentile, present, ratiosByRun } from './bench-stats.js';

const { values: cli } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, seconds: { type: 'string', default: '0.5' }, only: { type: 'string' } },
});
const runs = Number(cli.runs);
const runMs = Number(cli.seconds) * 1000;

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    bench: {
      temperature: 'hot',
      credentials: { user: 'neo_bench', password: 'bench-secret' },
      primary: { name: 'bench-primary' },
      replicas: [{ name: 'bench-replica-1' }, { name: 'bench-replica-2' }],
      pool: { max: 10 },
    },
    // The same server with TLS only (section 4): its own local CA, verify-full from the clients.
    benchtls: {
      temperature: 'hot',
      credentials: { user: 'neo_bench', password: 'bench-secret' },
      tls: {},
      primary: { name: 'benchtls-primary' },
      pool: { max: 10 },
    },
  },
  services: {
    bench: { cluster: 'bench', database: 'neo_bench', reads: { lagPollIntervalMs: 100, maxLagMs: 100 } },
    benchtls: { cluster: 'benchtls', database: 'neo_bench_tls' },
  },
  monolith: { cluster: 'bench', database: 'neo_service_layer' },
});
const benchReads = present(topology.services['bench'], 'the bench service').reads;

type Target = { read(id: number): Promise<unknown>; insert(name: string): Promise<unknown> };

/** Operations per second of `op` run by `concurrency` workers for `ms`. */
async function throughput(op: (i: number) => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  return (await measure(op, concurrency, ms)).opsPerSecond;
}

/**
 * Throughput, and this process's CPU time per operation: on a machine shared with other work,
 * wall-clock throughput swings with the neighbours' load, while CPU per operation mostly
 * reflects the client's own cost.
 */
async function measure(
  op: (i: number) => Promise<unknown>,
  concurrency: number,
  ms: number,
): Promise<{ opsPerSecond: number; cpuMicrosPerOp: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const opsPerSecond = await runFor(op, concurrency, ms);
  const cpu = process.cpuUsage(cpuBefore);
  const ops = (opsPerSecond * (performance.now() - started)) / 1000;
  return { opsPerSecond, cpuMicrosPerOp: (cpu.user + cpu.system) / ops };
}

async function runFor(op: (i: number) => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op(done);
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

const ownPools: pg.Pool[] = [];
function rawPool(node: DataNode): pg.Pool {
  const pool = new pg.Pool(toPgPoolConfig(node));
  pool.on('error', () => undefined);
  ownPools.push(pool);
  return pool;
}

function prismaOn(node: DataNode): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(rawPool(node) as unknown as ConstructorParameters<typeof PrismaPg>[0]) });
}

async function seedItems(node: DataNode): Promise<void> {
  const setupClient = new pg.Client(toPgPoolConfig(node));
  await setupClient.connect();
  await setupClient.query(
    'create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())',
  );
  await setupClient.query("insert into item (name) select 'seed-' || g from generate_series(1, 10000) g");
  await setupClient.end();
}

/** 4. A PK read over verified TLS against the same read in plain text, on two servers alike but for TLS. */
async function tlsCost(plain: DataNode, tls: DataNode): Promise<void> {
  const read = 'select id, name, value, created_at from item where id = $1';
  const oneConnection = (node: DataNode) => async (id: number) => {
    const client = new pg.Client(toPgPoolConfig(node));
    await client.connect();
    try {
      return await client.query(read, [id]);
    } finally {
      await client.end();
    }
  };
  const pools = { plain: rawPool(plain), tls: rawPool(tls) };
  const prisma = { plain: prismaOn(plain), tls: prismaOn(tls) };
  const scenarios = [
    ['raw pg PK read, c=1', 1, (side: 'plain' | 'tls') => (id: number) => pools[side].query(read, [id])],
    ['raw pg PK read, c=16', 16, (side: 'plain' | 'tls') => (id: number) => pools[side].query(read, [id])],
    ['Prisma findUnique, c=1', 1, (side: 'plain' | 'tls') => (id: number) => prisma[side].item.findUnique({ where: { id } })],
    ['Prisma findUnique, c=16', 16, (side: 'plain' | 'tls') => (id: number) => prisma[side].item.findUnique({ where: { id } })],
    ['new connection per read, c=4', 4, (side: 'plain' | 'tls') => oneConnection(side === 'plain' ? plain : tls)],
  ] as const;
  for (const [, concurrency, op] of scenarios) for (const side of ['plain', 'tls'] as const) await throughput(op(side), concurrency, 300);
  console.log(`\n## TLS (verify-full) against plain text, same read, two servers alike (${runs} interleaved runs of ${runMs} ms)\n`);
  console.log('| scenario | plain ops/s | TLS ops/s | TLS / plain (median of per-run ratios) |');
  console.log('|---|---|---|---|');
  for (const [scenario, concurrency, op] of scenarios) {
    const series = { plain: [] as number[], tls: [] as number[] };
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? (['plain', 'tls'] as const) : (['tls', 'plain'] as const);
      for (const side of order) series[side].push(await throughput((i) => op(side)(1 + ((i * 7919) % 10_000)), concurrency, runMs));
    }
    const ratio = median(ratiosByRun(series.tls, series.plain));
    console.log(`| ${scenario} | ${median(series.plain).toFixed(0)} | ${median(series.tls).toFixed(0)} | ${ratio.toFixed(3)} |`);
  }
  await Promise.all([prisma.plain.$disconnect(), prisma.tls.$disconnect()]);
}

const running = await startTopology(topology, { provider: 'embedded' });
try {
  const { primary, replicas } = serviceTargets(running.topology, 'bench');
  const tlsPrimary = serviceTargets(running.topology, 'benchtls').primary;
  await seedItems(primary);
  await seedItems(tlsPrimary);
  if (cli.only === 'tls') {
    await tlsCost(primary, tlsPrimary);
    await Promise.all(ownPools.map((pool) => pool.end()));
  } else {
    // The replicas were cloned before the database existed: wait until they have replayed the seed rows.
    for (const node of replicas) {
      for (;;) {
        const client = new pg.Client(toPgPoolConfig(node));
        const count = await client
          .connect()
          .then(() => client.query<{ n: string }>('select count(*) as n from item'))
          .then(
            (result) => result.rows[0]?.n ?? '0',
            () => '0',
          )
          .finally(() => client.end().catch(() => undefined));
        if (count === '10000') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    // Reads of every variant go to replica 1, writes to the primary: the routed client gets that one replica.
    const replica = present(replicas[0], 'a replica of the bench cluster');
    const rawPrimary = rawPool(primary);
    const rawReplica = rawPool(replica);
    const barePrimary = prismaOn(primary);
    const bareReplica = prismaOn(replica);
    const official = prismaOn(primary).$extends(readReplicas({ replicas: [prismaOn(replica) as never] }));
    const metrics = new DataMetrics({ service: 'bench' });
    const set = createReplicaSet({
      primary,
      replicas: [replica],
      reads: benchReads,
      createClient: (adapter) => new PrismaClient({ adapter }),
      metrics,
    });
    await set.ready();
    // A database of a cluster without replicas: the same library path, the primary alone.
    const singlePools = new NodePools({ metrics });
    const single = connectDatabase(
      { primary, replicas: [] },
      { createClient: (adapter) => new PrismaClient({ adapter }), pools: singlePools, reads: benchReads, metrics },
    );

    const variants: Record<string, Target> = {
      'raw pg': {
        read: (id) => rawReplica.query('select id, name, value, created_at from item where id = $1', [id]),
        insert: (name) => rawPrimary.query('insert into item (name) values ($1) returning id, name, value, created_at', [name]),
      },
      'bare Prisma': {
        read: (id) => bareReplica.item.findUnique({ where: { id } }),
        insert: (name) => barePrimary.item.create({ data: { name } }),
      },
      'official extension': {
        read: (id) => official.item.findUnique({ where: { id } }),
        insert: (name) => official.item.create({ data: { name } }),
      },
      'routed client': {
        read: (id) => set.client.item.findUnique({ where: { id } }),
        insert: (name) => set.client.item.create({ data: { name } }),
      },
      'single primary': {
        read: (id) => single.client.item.findUnique({ where: { id } }),
        insert: (name) => single.client.item.create({ data: { name } }),
      },
    };

    // Warm up every client (connections, Prisma's query compiler).
    for (const target of Object.values(variants)) {
      await throughput((i) => target.read(1 + (i % 10_000)), 16, 300);
      await target.insert('warm-up');
    }

    console.log(
      `\n## Per-query overhead (${runs} interleaved runs of ${runMs} ms; medians of ops/s and, in brackets, client CPU µs per op; ratios are medians of per-run ratios)\n`,
    );
    console.log(
      '| scenario | raw pg | bare Prisma | official extension | routed client | single primary | routed / bare Prisma (ops/s; CPU) | routed / raw pg (ops/s) | official / bare Prisma (ops/s; CPU) | single primary / bare Prisma (ops/s; CPU) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [scenario, concurrency, kind] of [
      ['PK read, c=1', 1, 'read'],
      ['PK read, c=16', 16, 'read'],
      ['insert, c=1', 1, 'insert'],
      ['insert, c=16', 16, 'insert'],
    ] as const) {
      const results: Record<string, number[]> = {};
      const cpuResults: Record<string, number[]> = {};
      const entries = Object.entries(variants);
      for (let run = 0; run < runs; run++) {
        // Rotate the order each run so no variant always runs first or last on a shared machine.
        for (const [name, target] of [...entries.slice(run % entries.length), ...entries.slice(0, run % entries.length)]) {
          const op = kind === 'read' ? (i: number) => target.read(1 + ((i * 7919) % 10_000)) : (i: number) => target.insert(`bench-${i}`);
          const { opsPerSecond, cpuMicrosPerOp } = await measure(op, concurrency, runMs);
          (results[name] ??= []).push(opsPerSecond);
          (cpuResults[name] ??= []).push(cpuMicrosPerOp);
        }
      }
      const m = Object.fromEntries(Object.entries(results).map(([name, values]) => [name, median(values)]));
      const c = Object.fromEntries(Object.entries(cpuResults).map(([name, values]) => [name, median(values)]));
      // Ratios are paired per run (variants of one run ran back to back), then the median is taken:
      // slow drifts in the machine's load cancel out of each pair.
      const runsOf = (series: Record<string, number[]>, name: string) => present(series[name], `the runs of ${name}`);
      const pairedRatio = (series: Record<string, number[]>, a: string, b: string) =>
        median(ratiosByRun(runsOf(series, a), runsOf(series, b))).toFixed(3);
      const cell = (name: string) => `${present(m[name], name).toFixed(0)} (${present(c[name], name).toFixed(0)} µs)`;
      console.log(
        `| ${scenario} | ${cell('raw pg')} | ${cell('bare Prisma')} | ${cell('official extension')} | ${cell('routed client')} | ${cell('single primary')} | ` +
          `${pairedRatio(results, 'routed client', 'bare Prisma')}; CPU ${pairedRatio(cpuResults, 'routed client', 'bare Prisma')} | ${pairedRatio(results, 'routed client', 'raw pg')} | ` +
          `${pairedRatio(results, 'official extension', 'bare Prisma')}; CPU ${pairedRatio(cpuResults, 'official extension', 'bare Prisma')} | ` +
          `${pairedRatio(results, 'single primary', 'bare Prisma')}; CPU ${pairedRatio(cpuResults, 'single primary', 'bare Prisma')} |`,
      );
    }
    const [primaryStatus, replicaStatus] = set.status();
    console.log(
      `\nrouted client: primary served ${primaryStatus?.stats.reads} reads / ${primaryStatus?.stats.writes} writes; replica served ${replicaStatus?.stats.reads} reads`,
    );

    // `--only overhead`: section 1 alone.
    if (cli.only !== 'overhead') await lagReuseAndTls();
    async function lagReuseAndTls(): Promise<void> {
      // 2. Lag under a write load, as the monitor sees it (every poll of both replicas).
      const lagSet = createReplicaSet({
        primary,
        replicas,
        reads: benchReads,
        createClient: (adapter) => new PrismaClient({ adapter }),
      });
      await lagSet.ready();
      const lagMs: number[] = [];
      const lagBytes: number[] = [];
      let writing = true;
      const writeLoad = (async () => {
        let writes = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (writing) {
              await lagSet.client.item.create({ data: { name: 'lag' } });
              writes++;
            }
          }),
        );
        return writes / ((performance.now() - started) / 1000);
      })();
      // Ground truth alongside: how long until a row written on the primary is visible on a replica.
      const visibleAfterMs: number[] = [];
      const marker = rawPool(primary);
      const replicaReader = rawPool(replica);
      const groundTruth = (async () => {
        while (writing) {
          const written = await marker.query<{ id: number }>("insert into item (name) values ('marker') returning id");
          const startedAt = performance.now();
          while (
            (await replicaReader.query('select 1 from item where id = $1', [present(written.rows[0], 'the marker row').id])).rowCount === 0
          );
          visibleAfterMs.push(performance.now() - startedAt);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const lagUntil = performance.now() + 10_000;
      while (performance.now() < lagUntil) {
        await lagSet.monitor.afterRounds(1);
        for (const lag of lagSet.monitor.replicaLags()) {
          if (lag.lagMs !== undefined) lagMs.push(lag.lagMs);
          if (lag.lagBytes !== undefined) lagBytes.push(lag.lagBytes);
        }
      }
      writing = false;
      await groundTruth;
      const writeRate = await writeLoad;
      console.log(
        `\n## Replica lag under a write load (${writeRate.toFixed(0)} inserts/s, 8 writers, ${lagMs.length} samples over 10 s, poll every 100 ms)\n`,
      );
      console.log(
        `lag ms: p50 ${percentile(lagMs, 50).toFixed(2)}, p95 ${percentile(lagMs, 95).toFixed(2)}, max ${Math.max(...lagMs).toFixed(2)} (seed target < 100 ms)`,
      );
      console.log(`lag bytes: p50 ${percentile(lagBytes, 50)}, p95 ${percentile(lagBytes, 95)}`);
      console.log(
        `ground truth, a committed row visible on replica 1 after: p50 ${percentile(visibleAfterMs, 50).toFixed(2)} ms, p95 ${percentile(visibleAfterMs, 95).toFixed(2)} ms (${visibleAfterMs.length} rows)`,
      );

      // 3. Connection reuse under a steady mixed load (reads on replicas, 1 write in 10).
      const reuseMetrics = new DataMetrics({ service: 'bench-reuse' });
      const reuseSet = createReplicaSet({
        primary,
        replicas,
        reads: benchReads,
        createClient: (adapter) => new PrismaClient({ adapter }),
        metrics: reuseMetrics,
      });
      await reuseSet.ready();
      const ops = await throughput(
        (i) =>
          i % 10 === 0
            ? reuseSet.client.item.create({ data: { name: 'reuse' } })
            : reuseSet.client.item.findUnique({ where: { id: 1 + (i % 10_000) } }),
        16,
        10_000,
      );
      const text = await reuseMetrics.registry.metrics();
      const sum = (name: string) =>
        [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce((total, match) => total + Number(match[1]), 0);
      const opened = sum('neo_data_pool_connections_opened_total');
      const acquired = sum('neo_data_pool_acquisitions_total');
      console.log(`\n## Connection reuse under a steady load (${ops.toFixed(0)} ops/s, 16 workers, 10 s, 3 pools of max 10)\n`);
      console.log(
        `connections opened ${opened}, acquisitions ${acquired}: reuse ${((1 - opened / acquired) * 100).toFixed(2)} % (seed target > 80 %)`,
      );
      for (const line of text.split('\n').filter((l) => l.startsWith('neo_data_pool_connection_reuse_ratio{'))) console.log(`  ${line}`);

      await tlsCost(primary, tlsPrimary);
      await Promise.all([lagSet.close(), reuseSet.close()]);
    }

    await Promise.all([set.close(), single.close()]);
    await singlePools.closeAll();
    await Promise.all([barePrimary.$disconnect(), bareReplica.$disconnect(), official.$disconnect()]);
    await Promise.all(ownPools.map((pool) => pool.end()));
  }
} finally {
  await running.stop();
}
