/**
 * Sharded client benchmarks, each figure a ratio against a baseline measured in the same run,
 * on one embedded PostgreSQL 15 server holding 4 shard databases and 1 unsharded database:
 *  1. routed single-shard read (findUnique by user id + id) and insert (create) against bare
 *     Prisma on one database (concurrency 1 and 16, median of interleaved runs; aim: within 5 %);
 *  2. a 4-shard `orderBy createdAt desc, take 50` merged read against the same query on one
 *     database holding all rows (p50 and p95 latency ratios);
 *  3. insert throughput into one shard through the layer (create, and createMany of 100 rows)
 *     against pgbench's single-row insert on the same shard database and server.
 * All shards share the machine's cores here, so fan-out shows its cost, not its capacity.
 *
 * Run (Node 24 from node_modules/.bin; the fixture client must be generated first):
 *   export PATH=$PWD/node_modules/.bin:$PATH
 *   PRISMA_SCHEMA_ENGINE_BINARY=/bin/true prisma generate --schema prisma/_fixture_sharding/schema.prisma
 *   node --import ./tools/typescript-sources.mjs bench/sharding.bench.ts [--runs 5] [--seconds 1] [--rows 20000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Sharding } from '@neo/topology';
import { startScratchPostgres } from '@neo/topology-runtime';
import { createShardedClient } from '../libs/data/src/sharding/index.js';
import { uuidv7 } from '../libs/data/src/sharding/ids/uuidv7.js';
import { createShardedFixture } from '../libs/data/src/sharding/test-support/sharded-fixture.js';
import { fmt, median, percentile, present } from './bench-stats.js';

const { values: cli } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '1' },
    rows: { type: 'string', default: '20000' },
  },
});
const runs = Number(cli.runs);
const runMs = Number(cli.seconds) * 1000;
const totalRows = Number(cli.rows);
const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

/** Operations per second of `op` run by `concurrency` workers for `ms`. */
async function throughput(op: (i: number) => Promise<unknown>, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op(done++);
      }
    }),
  );
  return done / (ms / 1000);
}

/** Latencies (ms) of `count` sequential calls. */
async function latencies(op: () => Promise<unknown>, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await op();
    result.push(performance.now() - start);
  }
  return result;
}

const row = (userId: number, i: number) => ({
  id: uuidv7(),
  userId,
  status: i % 3 === 0 ? 'paid' : 'new',
  amount: i % 1000,
  createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000),
});

const server = await startScratchPostgres();
const fixture = await createShardedFixture(server, { shardCount: 4, poolMax: 10 });
try {
  const sharding: Sharding = {
    strategy: 'modulo',
    key: 'userId',
    models: ['Transaction', 'TransactionEvent'],
    referenceModels: ['Contract'],
    singleModels: {},
    modulus: 4,
    shards: fixture.shardNames.map((name, remainder) => ({ name, database: name, remainder })),
  };
  const sharded = createShardedClient({
    sharding,
    shards: fixture.shardNames.map((name) => ({ name, client: present(fixture.shardClients.get(name), `the client of shard ${name}`) })),
    generatedIds: { Transaction: 'id' },
  });
  const single = fixture.single;

  // The same rows in the four shards and in the single database.
  const seed = Array.from({ length: totalRows }, (_, i) => row(i % 1000, i));
  for (let i = 0; i < seed.length; i += 1000) {
    const batch = seed.slice(i, i + 1000);
    await single.transaction.createMany({ data: batch });
    await sharded.transaction.createMany({ data: batch });
  }
  for (const name of [...fixture.shardNames, 'single'])
    await fixture.sql(name, 'CREATE INDEX ON transactions (created_at); ANALYZE transactions');
  // Keys of one shard (user ids ≡ 1 mod 4), so both sides batch concurrent findUnique calls on one client alike.
  const lookups = seed.filter((r, i) => r.userId % 4 === 1 && i % 3 === 0).map((r) => ({ userId: r.userId, id: r.id }));
  const read = (client: typeof single) => (i: number) =>
    client.transaction.findUnique({ where: { userId_id: present(lookups[i % lookups.length], 'a key to look up') } });

  console.log(
    `sharding bench: 4 shards + 1 single database on one embedded PostgreSQL 15, ${fmt(totalRows)} rows, ${runs} runs x ${cli.seconds}s\n`,
  );

  // 1. Single-shard routed calls vs bare Prisma.
  for (const concurrency of [1, 16]) {
    const readRatios: number[] = [];
    const insertRatios: number[] = [];
    const figures = { bareRead: [] as number[], routedRead: [] as number[], bareInsert: [] as number[], routedInsert: [] as number[] };
    for (let run = 0; run < runs; run++) {
      const bareRead = await throughput(read(single), concurrency, runMs);
      const routedRead = await throughput(read(sharded as unknown as typeof single), concurrency, runMs);
      const bareInsert = await throughput((i) => single.transaction.create({ data: row(7, i) }), concurrency, runMs);
      const routedInsert = await throughput((i) => sharded.transaction.create({ data: row(7, i) }), concurrency, runMs);
      figures.bareRead.push(bareRead);
      figures.routedRead.push(routedRead);
      figures.bareInsert.push(bareInsert);
      figures.routedInsert.push(routedInsert);
      readRatios.push(routedRead / bareRead);
      insertRatios.push(routedInsert / bareInsert);
    }
    console.log(
      `single-shard, concurrency ${concurrency}: findUnique bare ${fmt(median(figures.bareRead))}/s, routed ${fmt(median(figures.routedRead))}/s, ratio ${fmt(median(readRatios), 3)}; ` +
        `create bare ${fmt(median(figures.bareInsert))}/s, routed ${fmt(median(figures.routedInsert))}/s, ratio ${fmt(median(insertRatios), 3)}`,
    );
  }

  // 2. Merged top-50 across 4 shards vs one database with all rows.
  const topArgs = { orderBy: [{ createdAt: 'desc' as const }, { id: 'asc' as const }], take: 50 };
  const samples = Math.max(50, runs * 40);
  await latencies(() => single.transaction.findMany(topArgs), 20);
  await latencies(() => sharded.transaction.findMany(topArgs), 20);
  const singleLat: number[] = [];
  const mergedLat: number[] = [];
  for (let i = 0; i < samples / 10; i++) {
    singleLat.push(...(await latencies(() => single.transaction.findMany(topArgs), 10)));
    mergedLat.push(...(await latencies(() => sharded.transaction.findMany(topArgs), 10)));
  }
  console.log(
    `orderBy createdAt desc take 50 (${samples} calls each): one database p50 ${fmt(percentile(singleLat, 50), 2)} ms p95 ${fmt(percentile(singleLat, 95), 2)} ms; ` +
      `merged 4 shards p50 ${fmt(percentile(mergedLat, 50), 2)} ms p95 ${fmt(percentile(mergedLat, 95), 2)} ms; ` +
      `ratio p50 ${fmt(percentile(mergedLat, 50) / percentile(singleLat, 50), 2)}, p95 ${fmt(percentile(mergedLat, 95) / percentile(singleLat, 95), 2)}`,
  );

  // 3. Insert throughput into one shard (user ids ≡ 1 mod 4 → s1) vs pgbench on the same database.
  const createRates: number[] = [];
  const batchRates: number[] = [];
  const pgbenchRates: number[] = [];
  const scriptDir = await mkdtemp(path.join(tmpdir(), 'neo-shard-bench-'));
  try {
    const script = path.join(scriptDir, 'insert.sql');
    await writeFile(
      script,
      "\\set uid random(0, 250000)\nINSERT INTO transactions (id, user_id, status, amount, created_at) VALUES (gen_random_uuid(), :uid * 4 + 1, 'new', 1, now());\n",
    );
    for (let run = 0; run < runs; run++) {
      createRates.push(await throughput((i) => sharded.transaction.create({ data: row(4 * (i % 250) + 1, i) }), 16, runMs));
      batchRates.push(
        (await throughput(
          (i) => sharded.transaction.createMany({ data: Array.from({ length: 100 }, (_, j) => row(4 * ((i + j) % 250) + 1, j)) }),
          4,
          runMs,
        )) * 100,
      );
      pgbenchRates.push(
        await pgbench(
          script,
          present(fixture.databases.get('s1'), 'the database of shard s1'),
          server,
          16,
          Math.max(1, Math.round(runMs / 1000)),
        ),
      );
    }
  } finally {
    await rm(scriptDir, { recursive: true, force: true });
  }
  const baseline = median(pgbenchRates);
  console.log(
    `insert into one shard: pgbench single-row INSERT -c 16 ${fmt(baseline)} TPS; routed create (c16) ${fmt(median(createRates))} rows/s = ${fmt(median(createRates) / baseline, 3)} of pgbench; ` +
      `routed createMany x100 (c4) ${fmt(median(batchRates))} rows/s = ${fmt(median(batchRates) / baseline, 2)} of pgbench`,
  );
} finally {
  await fixture.dispose();
  await server.stop();
}

/** pgbench's TPS (excluding connection time) for a custom script. */
function pgbench(
  script: string,
  database: string,
  access: { host: string; port: number; user: string; password: string },
  clients: number,
  seconds: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      PGBENCH,
      [
        '-n',
        '-f',
        script,
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(seconds),
        '-h',
        access.host,
        '-p',
        String(access.port),
        '-U',
        access.user,
        database,
      ],
      {
        env: { ...process.env, PGPASSWORD: access.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
      if (code === 0 && match) resolve(Number(match[1]));
      else reject(new Error(`pgbench failed (exit ${code}): ${output.slice(-400)}`));
    });
  });
}
