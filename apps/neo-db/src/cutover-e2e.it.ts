// The whole move of a service out of the monolith and back, end to end (issue 5): two storage
// service instances in this process switch sides by flags from a real unleash-server while a
// steady read/write load runs against them over HTTP, and the operator steps run in between.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  copyService,
  DATA_SOURCE,
  isSideSwitching,
  loadTopology,
  locateTopologyFile,
  migrateFleet,
  moveWrites,
  rollbackService,
  switchReads,
  UnleashFlagWriter,
  verifyService,
  type CutoverContext,
  type DataSource,
  type SidePlacement,
  type Topology,
} from '@neo/data';
import { startTopology, startUnleashServer, type RunningTopology, type RunningUnleashServer } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageApp } from '../../storage/src/create-storage-app.js';

const SERVICE = 'storage';
const FLAGS = { reads: `UseShardedDatabase.${SERVICE}.reads`, writes: `UseShardedDatabase.${SERVICE}.writes` };
const INSTANCES = 2;
const WRITERS = 4;
const USERS = 40;

let running: RunningTopology;
let unleash: RunningUnleashServer;
let context: CutoverContext;
const apps: INestApplication[] = [];
const urls: string[] = [];

beforeAll(async () => {
  const declared: Topology = structuredClone(loadTopology({ path: locateTopologyFile() }));
  for (const cluster of Object.values(declared.clusters)) cluster.replicas = [];
  const clusters = [declared.monolith.cluster, declared.services[SERVICE]!.cluster];
  running = await startTopology(declared, { provider: 'embedded', clusters });
  await raiseReplicationLimits(running, clusters);
  // Before any cutover the service lives in its schema in the monolith.
  await migrateFleet({ topology: running.topology, services: [SERVICE], prismaRoot: prismaRoot(), monolith: true });

  unleash = await startUnleashServer({ databaseUrl: superuserUrl(running.topology.monolith.cluster) });
  await unleash.createFlag(FLAGS.reads);
  await unleash.createFlag(FLAGS.writes);
  context = {
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    flags: new UnleashFlagWriter({ url: `http://127.0.0.1:${unleash.port}`, adminToken: unleash.adminToken }),
    prismaRoot: prismaRoot(),
    log: (line) => console.log(`  [cutover] ${line}`),
  };

  for (let i = 0; i < INSTANCES; i++) {
    const app = await createStorageApp({ topology: running.topology, flags: { provider: 'unleash', url: unleash.url, clientToken: unleash.clientToken, refreshIntervalMs: 200 } }, { logger: false });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    urls.push(await app.getUrl());
  }
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.close()));
  await unleash?.stop();
  await running?.stop();
}, 120_000);

describe('storage moves out of the monolith and back, flags from Unleash, under load', () => {
  it('copy → verify → reads 10 % → 100 % → switch writes → rollback → switch writes, with no failed request and every write once', async () => {
    const load = new HttpLoad(urls);
    load.start();
    await sleep(1_000);

    await copyService(context, SERVICE);
    await checkWrites(load, 'monolith', 'after copy');
    expect((await verifyService(context, SERVICE)).ok).toBe(true);

    await switchReads(context, SERVICE, 10);
    console.log(`reads 10 %: every instance acting on it after ${await untilPlaced((p) => p.reads === 'by-user' && p.writes === 'monolith')} ms`);
    await switchReads(context, SERVICE, 100);
    console.log(`reads 100 %: every instance acting on it after ${await untilPlaced((p) => p.reads === 'service')} ms`);
    await sleep(500);
    await checkWrites(load, 'monolith', 'reads on the service');

    // The flag server dies mid-load: the instances keep their last known values and keep serving.
    await unleash.kill();
    await sleep(2_500);
    for (const source of sources()) expect(source.flagStatus().source).toBe('last-known');
    expect(load.failures).toEqual([]);
    await unleash.restart();
    await until(() => sources().every((source) => source.flagStatus().source === 'live'), 20_000);
    await checkWrites(load, 'monolith', 'flag server outage');

    await timed(load, 'switch-writes', () => moveWrites(context, SERVICE, 'service'));
    console.log(`writes → service: every instance acting on it after ${await untilPlaced((p) => p.writes === 'service')} ms (measured from the end of the step)`);
    await checkWrites(load, 'service', 'switch-writes');

    await timed(load, 'rollback', () => rollbackService(context, SERVICE));
    await untilPlaced((p) => p.writes === 'monolith' && p.reads === 'by-user');
    await checkWrites(load, 'monolith', 'rollback');

    await switchReads(context, SERVICE, 100);
    await untilPlaced((p) => p.reads === 'service');
    await timed(load, 'switch-writes again', () => moveWrites(context, SERVICE, 'service'));
    await untilPlaced((p) => p.writes === 'service');
    await sleep(500);
    await load.stop();
    await checkWrites(load, 'service', 'switch-writes again');

    expect((await verifyService(context, SERVICE)).ok).toBe(true);
    console.log(`load: ${load.acknowledged.size} writes and ${load.reads} reads acknowledged, ${load.failures.length} failed`);
    expect(load.failures).toEqual([]);
  }, 600_000);
});

function sources(): Array<DataSource & { flagStatus(): { source: string }; placement(): SidePlacement }> {
  return apps.map((app) => {
    const source = app.get<DataSource>(DATA_SOURCE, { strict: false });
    if (!isSideSwitching(source)) throw new Error('the storage service was started without flags');
    return source;
  });
}

/** Milliseconds until every instance's placement satisfies `wanted` (a flag change reached them all). */
async function untilPlaced(wanted: (placement: SidePlacement) => boolean): Promise<number> {
  const started = performance.now();
  await until(() => sources().every((source) => wanted(source.placement())), 20_000);
  return Math.round(performance.now() - started);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function timed(load: HttpLoad, label: string, step: () => Promise<unknown>): Promise<void> {
  const from = performance.now();
  await step();
  const to = performance.now();
  const waits = load.writeLatenciesBetween(from, to);
  console.log(`${label}: ${(to - from).toFixed(0)} ms; write pause of the ${waits.length} writes started meanwhile: p50 ${percentile(waits, 50)} ms, p95 ${percentile(waits, 95)} ms, max ${percentile(waits, 100)} ms`);
}

/** Every acknowledged write is on the side of record exactly once (and no request failed). */
async function checkWrites(load: HttpLoad, side: 'monolith' | 'service', step: string): Promise<void> {
  const ids = [...load.acknowledged];
  const counts = new Map<string, number>();
  for (const { node, table } of sideTables(side)) {
    const client = new pg.Client({ host: node.host, port: node.port, user: running.admin[node.cluster]!.user, password: running.admin[node.cluster]!.password, database: node.database });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; n: string }>(`SELECT id::text, count(*) AS n FROM ${table} WHERE id = ANY($1::uuid[]) GROUP BY id`, [ids]);
      for (const row of rows) counts.set(row.id, (counts.get(row.id) ?? 0) + Number(row.n));
    } finally {
      await client.end();
    }
  }
  const missing = ids.filter((id) => !counts.has(id));
  const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  console.log(`${step}: ${ids.length} acknowledged writes on the ${side} side: ${missing.length} missing, ${doubled.length} doubled; ${load.failures.length} failed requests`);
  expect({ step, missing, doubled, failures: load.failures }).toEqual({ step, missing: [], doubled: [], failures: [] });
}

function sideTables(side: 'monolith' | 'service'): Array<{ node: { cluster: string; host: string; port: number; database: string }; table: string }> {
  const topology = running.topology;
  if (side === 'monolith') {
    const cluster = topology.monolith.cluster;
    const primary = topology.clusters[cluster]!.primary;
    return [{ node: { cluster, host: primary.host!, port: primary.port!, database: topology.monolith.database }, table: 'storage.storage_objects' }];
  }
  const declared = topology.services[SERVICE]!;
  const databases = declared.sharding ? declared.sharding.shards.map((shard) => ({ cluster: shard.cluster ?? declared.cluster, database: shard.database })) : [{ cluster: declared.cluster, database: declared.database }];
  return databases.map(({ cluster, database }) => {
    const primary = topology.clusters[cluster]!.primary;
    return { node: { cluster, host: primary.host!, port: primary.port!, database }, table: 'public.storage_objects' };
  });
}

/**
 * A steady mixed load over HTTP: each writer creates an object for a random user on a random
 * instance, then reads it back and lists the user's objects. Every answer other than the
 * expected one is a failure.
 */
class HttpLoad {
  readonly acknowledged = new Set<string>();
  readonly failures: string[] = [];
  reads = 0;
  private readonly writes: Array<{ startedAt: number; ms: number }> = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly urls: readonly string[]) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: WRITERS }, (_, n) => this.work(n));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  writeLatenciesBetween(from: number, to: number): number[] {
    return this.writes.filter((write) => write.startedAt >= from && write.startedAt <= to).map((write) => write.ms);
  }

  private async work(worker: number): Promise<void> {
    let i = 0;
    while (this.running) {
      const url = this.urls[i++ % this.urls.length]!;
      const user = `user-${(worker * 7919 + i) % USERS}`;
      const headers = { 'content-type': 'application/json', 'x-user-id': user };
      try {
        const startedAt = performance.now();
        const created = await fetch(`${url}/objects`, { method: 'POST', headers, body: JSON.stringify({ key: randomUUID(), owner: user, size: 1, contentHash: 'a'.repeat(64) }) });
        if (created.status !== 201) {
          this.failures.push(`POST /objects ${created.status}: ${(await created.text()).slice(0, 300)}`);
          continue;
        }
        const { id } = (await created.json()) as { id: string };
        this.writes.push({ startedAt, ms: performance.now() - startedAt });
        this.acknowledged.add(id);
        const list = await fetch(`${url}/objects?owner=${encodeURIComponent(user)}`, { headers });
        if (list.status !== 200) this.failures.push(`GET /objects ${list.status}: ${(await list.text()).slice(0, 300)}`);
        else this.reads++;
        await list.body?.cancel().catch(() => undefined);
      } catch (error) {
        this.failures.push(`request failed: ${(error as Error).message}`);
      }
    }
  }
}

function percentile(values: readonly number[], p: number): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!.toFixed(0);
}

function prismaRoot(): string {
  return new URL('../../../prisma', import.meta.url).pathname;
}

function superuserUrl(cluster: string): string {
  const primary = running.topology.clusters[cluster]!.primary;
  const admin = running.admin[cluster]!;
  const url = new URL(`postgresql://${primary.host}:${primary.port}/postgres`);
  url.username = admin.user;
  if (admin.password) url.password = admin.password;
  return url.toString();
}

/** PostgreSQL's default of 4 logical replication workers is too few for a subscription per shard on one server. */
async function raiseReplicationLimits(topologyRun: RunningTopology, clusters: readonly string[]): Promise<void> {
  for (const name of new Set(clusters)) {
    const primary = topologyRun.topology.clusters[name]!.primary;
    const admin = topologyRun.admin[name]!;
    const client = new pg.Client({ host: primary.host, port: primary.port, user: admin.user, password: admin.password, database: 'postgres' });
    await client.connect();
    try {
      await client.query('ALTER SYSTEM SET max_logical_replication_workers = 16');
      await client.query('ALTER SYSTEM SET max_worker_processes = 24');
    } finally {
      await client.end();
    }
    await topologyRun.stopNode(name, primary.name);
    await topologyRun.startNode(name, primary.name);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
