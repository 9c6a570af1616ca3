/**
 * Write throughput into one database: single-row creates per second and p99 latency per call at
 * concurrency 1, 16, 64 and 256, each a ratio against pgbench's single-row INSERT measured in the
 * same run on the same server, for:
 *  - bare Prisma (`create` on a PrismaClient over its own pool);
 *  - our client without write coalescing (`connectDatabase`, the primary alone);
 *  - our client with write coalescing (`writes.coalesce` for the model), batches sent as the raw
 *    `unnest` INSERT (the default; window 0 and 1 ms) and through Prisma's `createManyAndReturn`
 *    (`rawInserts: false`; window 0);
 *  - raw `pg` single-row `INSERT … RETURNING *`;
 *  - pgbench single-row INSERT, and pgbench 100-row INSERT (rows/s) for the server's ceiling.
 * Every client has a pool of 10 connections; pgbench opens one connection per client (at most 64:
 * the server's connection limit; each pgbench run lasts at least 3 s). Runs are interleaved and rotated; figures are medians of runs.
 *
 * Run (Node 24 from node_modules/.bin; the fixture client must be generated first):
 *   npm run bench:writes -- [--runs 5] [--seconds 1] [--concurrency 1,16,64,256]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { serviceTargets, toPgPoolConfig, topologySchema, type DataNode } from '@neo/topology';
import { startTopology } from '@neo/topology-runtime';
import { connectDatabase } from '../libs/data/src/data-source/connect-database.js';
import { PrismaClient } from '../libs/data/src/generated/replica-fixture/client.js';
import { DataMetrics } from '../libs/data/src/metrics/data-metrics.js';
import { NodePools } from '../libs/data/src/pool/node-pools.js';
import { fmt, median, percentile, present } from './bench-stats.js';

const { values: cli } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,16,64,256' },
  },
});
const runs = Number(cli.runs);
const runMs = Number(cli.seconds) * 1000;
const levels = cli.concurrency.split(',').map(Number);
const pgbenchFile = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((file) => existsSync(file));
if (!pgbenchFile) throw new Error('pgbench not found: apt-get install -y postgresql-client-15');
const PGBENCH = pgbenchFile;
const PGBENCH_MAX_CLIENTS = 64;

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    bench: {
      temperature: 'hot',
      credentials: { user: 'neo_bench', password: 'bench-secret' },
      primary: { name: 'bench-primary' },
      replicas: [],
      pool: { max: 10 },
    },
  },
  services: { bench: { cluster: 'bench', database: 'neo_bench' } },
  monolith: { cluster: 'bench', database: 'neo_service_layer' },
});

interface Run {
  /** Rows written per second. */
  readonly rate: number;
  /** p99 latency of one call, ms. */
  readonly p99: number;
  /** This process's CPU time per row, µs (none for pgbench, a process of its own). */
  readonly cpuPerRow?: number;
}

/** `op` run by `concurrency` workers for `ms`: calls per second and the p99 of their latencies. */
async function closedLoop(op: () => Promise<unknown>, concurrency: number, ms: number): Promise<Run> {
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await op();
        latencies.push(performance.now() - started);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: latencies.length / (ms / 1000), p99: percentile(latencies, 99), cpuPerRow: (cpu.user + cpu.system) / latencies.length };
}

const SINGLE_INSERT =
  'INSERT INTO note (id, key, amount, created_at, updated_at) VALUES (gen_random_uuid(), gen_random_uuid()::text, 1, now(), now());\n';
const HUNDRED_ROW_INSERT =
  'INSERT INTO note (id, key, amount, created_at, updated_at) SELECT gen_random_uuid(), gen_random_uuid()::text, 1, now(), now() FROM generate_series(1, 100);\n';

/** pgbench running `script` with `clients` connections: transactions per second and p99 latency (from its per-transaction log). */
async function pgbench(script: string, clients: number, node: DataNode, seconds: number): Promise<Run> {
  const dir = await mkdtemp(path.join(tmpdir(), 'neo-writes-bench-'));
  try {
    await writeFile(path.join(dir, 'script.sql'), script);
    const args = ['-n', '-f', 'script.sql', '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(seconds), '-l'];
    args.push('-h', present(node.host, 'the host of the bench primary'), '-p', String(node.port), '-U', node.user, node.database);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(PGBENCH, args, {
        cwd: dir,
        env: { ...process.env, PGPASSWORD: node.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.stderr.on('data', (chunk) => (text += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench failed (exit ${code}): ${text.slice(-400)}`))));
    });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
    if (!tps) throw new Error(`pgbench reported no TPS:\n${output}`);
    // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us.
    const latencies: number[] = [];
    for (const file of (await readdir(dir)).filter((name) => name.startsWith('pgbench_log'))) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const latency = Number(line.split(' ')[2]);
        if (Number.isFinite(latency) && line) latencies.push(latency / 1000);
      }
    }
    return { rate: Number(tps[1]), p99: percentile(latencies, 99) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const running = await startTopology(topology, { provider: 'embedded' });
const closers: (() => Promise<unknown>)[] = [];
try {
  const { primary } = serviceTargets(running.topology, 'bench');
  const setup = new pg.Client(toPgPoolConfig(primary));
  await setup.connect();
  await setup.query(`
    create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now());
    create table note (id uuid primary key, key text not null unique, amount int not null default 0, item_id int references item(id),
      created_at timestamp(3) not null default now(), updated_at timestamp(3) not null)`);
  await setup.end();

  const rawPool = new pg.Pool(toPgPoolConfig(primary));
  rawPool.on('error', () => undefined);
  closers.push(() => rawPool.end());
  const barePool = new pg.Pool(toPgPoolConfig(primary));
  barePool.on('error', () => undefined);
  closers.push(() => barePool.end());
  const bare = new PrismaClient({ adapter: new PrismaPg(barePool as unknown as ConstructorParameters<typeof PrismaPg>[0]) });
  const metrics = new DataMetrics({ service: 'bench' });
  const ours = (coalesce?: { windowMs: number; rawInserts: boolean }) => {
    const pools = new NodePools({ metrics });
    const database = connectDatabase(
      { primary, replicas: [] },
      {
        createClient: (adapter) => new PrismaClient({ adapter }),
        pools,
        reads: present(running.topology.services['bench'], 'the bench service').reads,
        metrics,
        ...(coalesce ? { coalesce: { models: ['Note'], maxBatch: 100, ...coalesce } } : {}),
      },
    );
    closers.push(() => database.close());
    return database.client;
  };
  const plain = ours();
  const viaPrisma = ours({ windowMs: 0, rawInserts: false });
  const viaUnnest = ours({ windowMs: 0, rawInserts: true });
  const viaUnnestWindow = ours({ windowMs: 1, rawInserts: true });

  const note = () => ({ data: { key: randomUUID(), amount: 1 } });
  const clients: Record<string, () => Promise<unknown>> = {
    'bare Prisma': () => bare.note.create(note()),
    'ours, no coalescing': () => plain.note.create(note()),
    'ours, coalescing via createManyAndReturn (window 0)': () => viaPrisma.note.create(note()),
    'ours, coalescing via raw unnest (window 0)': () => viaUnnest.note.create(note()),
    'ours, coalescing via raw unnest (window 1 ms)': () => viaUnnestWindow.note.create(note()),
    'raw pg': () =>
      rawPool.query('insert into note (id, key, amount, created_at, updated_at) values ($1, $2, $3, now(), now()) returning *', [
        randomUUID(),
        randomUUID(),
        1,
      ]),
  };
  for (const op of Object.values(clients)) await closedLoop(op, 16, 300);

  // pgbench counts from its last connection; 64 connections on a loaded machine can take most of a second.
  const seconds = Math.max(3, Math.round(runMs / 1000));
  console.log(`\n## Single-row creates into one database (${runs} interleaved runs of ${runMs} ms per client and level; medians)\n`);
  console.log(
    `load average before: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}\n`,
  );
  console.log('| concurrency | client | rows/s | × pgbench single-row | × bare Prisma | p99 ms per call | client CPU µs per row |');
  console.log('|---|---|---|---|---|---|---|');
  for (const concurrency of levels) {
    const results = new Map<string, Run[]>();
    const pgClients = Math.min(concurrency, PGBENCH_MAX_CLIENTS);
    const entries: [string, () => Promise<Run>][] = [
      ...Object.entries(clients).map(([name, op]): [string, () => Promise<Run>] => [name, () => closedLoop(op, concurrency, runMs)]),
      [`pgbench single-row INSERT (-c ${pgClients})`, () => pgbench(SINGLE_INSERT, pgClients, primary, seconds)],
      [
        `pgbench 100-row INSERT (-c ${pgClients}), rows/s`,
        async () => {
          const result = await pgbench(HUNDRED_ROW_INSERT, pgClients, primary, seconds);
          return { rate: result.rate * 100, p99: result.p99 };
        },
      ],
    ];
    for (let run = 0; run < runs; run++) {
      // Rotated each run so no client always runs first or last on a shared machine.
      for (const [name, measure] of [...entries.slice(run % entries.length), ...entries.slice(0, run % entries.length)]) {
        results.set(name, [...(results.get(name) ?? []), await measure()]);
      }
    }
    const runsOf = (name: string) => present(results.get(name), `the runs of ${name}`);
    const pgbenchSingleRow = present(entries.at(-2), 'the pgbench single-row entry')[0];
    const pgbenchRate = median(runsOf(pgbenchSingleRow).map((result) => result.rate));
    const bareRate = median(runsOf('bare Prisma').map((result) => result.rate));
    for (const [name, measured] of results) {
      const rate = median(measured.map((result) => result.rate));
      const p99 = median(measured.map((result) => result.p99));
      const cpuPerRow = measured.flatMap((result) => (result.cpuPerRow === undefined ? [] : [result.cpuPerRow]));
      const cpu = cpuPerRow.length === 0 ? '–' : fmt(median(cpuPerRow));
      console.log(
        `| ${concurrency} | ${name} | ${fmt(rate)} | ${fmt(rate / pgbenchRate, 2)} | ${fmt(rate / bareRate, 2)} | ${fmt(p99, 2)} | ${cpu} |`,
      );
    }
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  const batches = (await metrics.registry.metrics())
    .split('\n')
    .filter((line) => /^neo_data_(coalesced_batch_size_(sum|count)|coalescible_creates_total)/.test(line));
  console.log(`\n${batches.join('\n')}`);
  await bare.$disconnect();
} finally {
  for (const close of closers) await close().catch(() => undefined);
  await running.stop();
}
