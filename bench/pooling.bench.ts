/**
 * PgBouncer benchmark: pgbench through the cluster's PgBouncer (transaction pooling, the seed's
 * settings) against pgbench on the same server directly, in the same run, runs interleaved;
 * medians of several runs, each reported as a TPS ratio (PgBouncer / direct):
 *  1. select-only, 50 clients on long-lived connections (`-S -c 50`);
 *  2. TPC-B-like read-write, 16 clients (`-c 16`);
 *  3. select-only with a new connection per transaction (`-S -C -c 8`), what PgBouncer is for;
 * and the connection reuse PgBouncer achieved over all of it (server connections opened against
 * client transactions served, as `neo_pgbouncer_connection_reuse_ratio` exports it; seed > 80 %).
 *
 * Needs Debian's pgbouncer and PostgreSQL 15 client packages (`apt-get install -y pgbouncer
 * postgresql-client-15`).
 *   npm run bench:pooling -- [--runs 5] [--seconds 10]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { topologySchema } from '@neo/topology';
import { findPgBouncer, PgBouncerReuseMonitor, startTopology } from '@neo/topology-runtime';

const { values: cli } = parseArgs({ options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '10' } } });
const runs = Number(cli.runs);
const seconds = Number(cli.seconds);

const pgbenchFile = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((file) => existsSync(file));
const CREDENTIALS = { user: 'neo_bench', password: 'bench-secret' };
const DATABASE = 'neo_bench';
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    bench: {
      temperature: 'hot',
      credentials: CREDENTIALS,
      primary: { name: 'bench-primary' },
      replicas: [],
      pgbouncer: {},
    },
  },
  services: { bench: { cluster: 'bench', database: DATABASE } },
  monolith: { cluster: 'bench', database: 'neo_service_layer' },
});

interface Workload {
  name: string;
  args: string[];
}
const workloads: Workload[] = [
  { name: 'select-only, 50 clients (-S -c 50)', args: ['-S', '-c', '50', '-j', '2'] },
  { name: 'TPC-B-like, 16 clients (-c 16)', args: ['-c', '16', '-j', '2'] },
  { name: 'select-only, new connection per transaction (-S -C -c 8)', args: ['-S', '-C', '-c', '8', '-j', '2'] },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (!pgbenchFile) throw new Error('pgbench not found: apt-get install -y postgresql-client-15');
const PGBENCH = pgbenchFile;
if (!findPgBouncer()) throw new Error('pgbouncer not found: apt-get install -y pgbouncer');

const running = await startTopology(topology, { provider: 'embedded', durable: true, pgbouncer: true });
try {
  const direct = running.endpoints['bench/bench-primary'];
  const pgbouncer = running.pgbouncers[0];
  if (!direct || !pgbouncer) throw new Error('the bench cluster did not start with its PgBouncer');
  await pgbench(['-i', '-q', '-s', '4'], direct);
  // Started after the initialisation, so only the benchmark's own transactions count.
  const monitor = await PgBouncerReuseMonitor.start({
    cluster: 'bench',
    host: pgbouncer.host,
    port: pgbouncer.port,
    admin: pgbouncer.admin,
  });
  console.log(`pgbench ${runs} runs x ${seconds} s per workload and side, interleaved; PgBouncer 1.18, transaction pooling, pool 25`);
  for (const workload of workloads) {
    const rates = { direct: [] as number[], pgbouncer: [] as number[] };
    for (let run = 0; run < runs; run++) {
      rates.direct.push(await tps([...workload.args, '-n', '-T', String(seconds)], direct));
      rates.pgbouncer.push(await tps([...workload.args, '-n', '-T', String(seconds)], pgbouncer));
    }
    const [d, p] = [median(rates.direct), median(rates.pgbouncer)];
    console.log(`${workload.name}: direct ${fmt(d)} TPS, through PgBouncer ${fmt(p)} TPS = ${fmt(p / d, 2)}x direct`);
  }
  await monitor.poll();
  const reuse = monitor.reuse().find((r) => r.database === DATABASE);
  await monitor.close();
  console.log(
    `connection reuse through PgBouncer: ${fmt((reuse?.ratio ?? 0) * 100, 3)}% ` +
      `(${reuse?.serverConnectionsOpened} server connections opened for ${fmt(reuse?.clientTransactions ?? 0)} client transactions; seed target > 80%)`,
  );
} finally {
  await running.stop();
}

/** The TPS of one pgbench run; a run that served nothing (its clients still connecting) is an error. */
async function tps(args: string[], target: { host: string; port: number }): Promise<number> {
  const output = await pgbench(args, target);
  const match = /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`pgbench ${args.join(' ')} reported no TPS; give it more --seconds:\n${output}`);
  return Number(match[1]);
}

/** pgbench against `target` with the cluster's role; its output (an error with the output's end on failure). */
function pgbench(args: string[], target: { host: string; port: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PGBENCH, [...args, '-h', target.host, '-p', String(target.port), '-U', CREDENTIALS.user, DATABASE], {
      env: { ...process.env, PGPASSWORD: CREDENTIALS.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pgbench ${args.join(' ')} failed (exit ${code}): ${output.slice(-400)}`));
      resolve(output);
    });
  });
}
