// Online resharding end to end: two instances of the smart-contracts service serve a steady
// write-then-read load over HTTP while its transactions move from 4 shards (user_id % 4, on the
// blockchain cluster) to 8 (user_id % 8, on a second server), through copy → verify → reads →
// switch-writes → rollback → switch-writes → finish. Steps are also killed midway (SIGKILL, in a
// child process) and run again. After each step every acknowledged write is on the layout of
// record exactly once, on the shard its key belongs to, and no request failed.
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CutoverError, FileFlagWriter } from '@neo/data/cutover';
import {
  copyToNextLayout,
  finishReshard,
  loadReshardPlan,
  moveLayoutWrites,
  reshardFlags,
  reshardStatus,
  switchLayoutReads,
  verifyLayouts,
  type LayoutShard,
  type ReshardContext,
  type ReshardPlan,
} from '@neo/data/resharding';
import { loadTopology, locateTopologyFile, type Topology } from '@neo/data';
import { migrateFleet } from '@neo/data/migrations';
import { pgClientConfig } from '@neo/topology';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmartContractsApp } from '../../apps/smart-contracts/src/create-smart-contracts-app.js';
import { runStepInChild } from '../../libs/data/src/cutover/test-support/run-step-in-child.js';
import { HttpLoad, percentile } from '../cutover/support/http-load.js';
import { transactionWrite } from '../cutover/support/smart-contracts-load.js';
import { withEnv } from '../cutover/support/with-env.js';

const SERVICE = 'smartcontracts';
const INSTANCES = 2;
const USERS = 40;
const NEXT_CLUSTER = 'blockchain_next';

let running: RunningTopology;
let dir: string;
let flagsFile: string;
let context: ReshardContext;
let plan: ReshardPlan;
const apps: INestApplication[] = [];
let load: HttpLoad;
interface StepEvent {
  event: string;
  step: string;
  outcome: string;
  phaseAfter: string | null;
  writePauseMs?: number;
}
const stepEvents: StepEvent[] = [];
/** Write pause of each switch: p50/p95 of the writes that started while it ran. */
const pauses: string[] = [];

beforeAll(async () => {
  const declared: Topology = structuredClone(loadTopology({ path: locateTopologyFile() }));
  for (const cluster of Object.values(declared.clusters)) cluster.replicas = [];
  // The second server the new shards live on: a cluster like blockchain, with its own primary.
  const blockchain = declared.clusters['blockchain']!;
  declared.clusters[NEXT_CLUSTER] = {
    ...structuredClone(blockchain),
    primary: { name: 'blockchain-next-primary', weight: 1 },
    replicas: [],
  };
  declared.services[SERVICE]!.sharding!.next = {
    strategy: 'modulo',
    modulus: 8,
    shards: Array.from({ length: 8 }, (_, remainder) => ({
      name: `smartcontracts_8_${remainder}`,
      database: `neo_smartcontracts_8_${remainder}`,
      cluster: NEXT_CLUSTER,
      remainder,
    })),
    keepOldLayoutDays: 7,
  };
  running = await startTopology(declared, { provider: 'embedded', clusters: [declared.monolith.cluster, 'blockchain', NEXT_CLUSTER] });
  await migrateFleet({ topology: running.topology, services: [SERVICE], prismaRoot: prismaRoot(), monolith: true });

  // The service was born on its own shards: its writes and reads go there, the reshard's flags are off.
  dir = await mkdtemp(join(tmpdir(), 'neo-reshard-'));
  flagsFile = join(dir, 'flags.yaml');
  await writeFile(
    flagsFile,
    `version: 1\nflags:\n  UseShardedDatabase.${SERVICE}.writes: true\n  UseShardedDatabase.${SERVICE}.reads: { rollout: 100, stickiness: userId }\n`,
  );
  context = {
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    flags: new FileFlagWriter({ path: flagsFile }),
    layoutFlags: new FileFlagWriter({ path: flagsFile, flagNames: reshardFlags }),
    prismaRoot: prismaRoot(),
    log: (line) => console.log(`  [reshard] ${line}`),
    // Each step once as a data-layer event (`cutover-step`, step `reshard …`).
    events: { log: (event) => stepEvents.push(event as StepEvent), warn: (event) => stepEvents.push(event as StepEvent) },
  };
  plan = await loadReshardPlan(context, SERVICE);

  for (let i = 0; i < INSTANCES; i++) {
    apps.push(
      await withEnv({ NEO_FLAGS: 'file', NEO_FLAGS_FILE: flagsFile }, () =>
        createSmartContractsApp({ topology: running.topology }, { logger: false }),
      ),
    );
  }
  const urls: string[] = [];
  for (const app of apps) {
    await app.listen(0, '127.0.0.1');
    urls.push(await app.getUrl());
  }
  load = new HttpLoad(urls, await transactionWrite(urls[0]!, 'reshard'), { users: USERS, writers: 4 });
}, 300_000);

afterAll(async () => {
  await load?.stop();
  await Promise.allSettled(apps.map((app) => app.close()));
  await running?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('resharding smartcontracts from 4 shards to 8 on a second server, under load', () => {
  it('plans one link per pair of shards sharing users, filtered by the new layout', () => {
    expect(plan.forward.map((link) => link.name)).toEqual(
      [0, 1, 2, 3].flatMap((i) => [`neo_rsf_smartcontracts_${i}_${i}`, `neo_rsf_smartcontracts_${i}_${i + 4}`]),
    );
    expect(plan.reverse).toHaveLength(8);
    // Contracts (reference data) reach each new shard once, on a link that carries its transactions anyway.
    expect(plan.forward.filter((link) => link.tables.some((table) => table.table === 'contracts'))).toHaveLength(8);
    expect(plan.reverse.filter((link) => link.tables.some((table) => table.table === 'contracts'))).toHaveLength(4);
  });

  it('copies, verifies, moves reads and writes, rolls back, switches again and finishes, with kills midway, no failed request and every write once on its shard', async () => {
    load.start();
    await sleep(1_000);

    const killedCopy = await runStepInChild(childFixture(), 'reshard copy', { killAt: 'reshard:subscriptions' });
    expect(killedCopy.outcome).toBe('killed');
    await timed('copy (rerun after a kill)', () => copyToNextLayout(context, SERVICE));
    await checkLayout('current', 'after copy');
    await expectLayoutsEqual('after copy');

    await switchLayoutReads(context, SERVICE, 10);
    await sleep(1_000);
    await switchLayoutReads(context, SERVICE, 100);
    await sleep(2_500);
    await checkLayout('current', 'reads on the next layout');

    const killedSwitch = await runStepInChild(childFixture(), 'reshard switch-writes', { killAt: 'switch:commit' });
    expect(killedSwitch.outcome).toBe('killed');
    await timed('switch-writes (rerun after a kill at the commit)', () => moveLayoutWrites(context, SERVICE, 'next'));
    await sleep(2_500);
    await checkLayout('next', 'switch-writes');
    await expectLayoutsEqual('switch-writes');
    const status = await reshardStatus(context, SERVICE);
    expect(status.phase).toBe('writes-on-next');
    expect(status.links.map((link) => link.direction)).toEqual(Array(8).fill('reverse'));
    expect(status.guards.current.every((guard) => guard === 'next-layout')).toBe(true);

    const killedRollback = await runStepInChild(childFixture(), 'reshard rollback', { killAt: 'switch:catch-up' });
    expect(killedRollback.outcome).toBe('killed');
    await timed('rollback (rerun after a kill with the fence up)', () => moveLayoutWrites(context, SERVICE, 'current'));
    await sleep(2_500);
    await checkLayout('current', 'rollback');
    await expectLayoutsEqual('rollback');

    const killedAgain = await runStepInChild(childFixture(), 'reshard switch-writes', { killAt: 'switch:subscribe' });
    expect(killedAgain.outcome).toBe('killed');
    await timed('switch-writes again (rerun after a kill past the commit)', () => moveLayoutWrites(context, SERVICE, 'next'));
    await sleep(2_500);
    await checkLayout('next', 'switch-writes again');
    await expectLayoutsEqual('switch-writes again');

    const early = await finishReshard(context, SERVICE).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(CutoverError);
    expect((early as Error).message).toMatch(/kept 7 day\(s\) after writes moved .* --force/);
    const killedFinish = await runStepInChild(childFixture(), 'reshard finish', { killAt: 'finish:drop-old-layout' });
    expect(killedFinish.outcome).toBe('killed');
    const finished = await finishReshard(context, SERVICE, { force: true });
    expect(finished.dropped.sort()).toEqual(plan.current.map((shard) => shard.node.database).sort());
    await sleep(1_000);
    await load.stop();
    await checkLayout('next', 'finish');
    await expect(moveLayoutWrites(context, SERVICE, 'current')).rejects.toThrow(/finished/);

    const steps = stepEvents.filter((event) => event.event === 'cutover-step');
    expect(steps.map((event) => `${event.step} ${event.outcome} → ${event.phaseAfter}`)).toEqual(
      expect.arrayContaining([
        'reshard copy done → replicating',
        'reshard verify done → replicating',
        'reshard switch-reads done → replicating',
        'reshard switch-writes done → writes-on-next',
        'reshard rollback done → replicating',
        'reshard finish failed → writes-on-next',
        'reshard finish done → finished',
      ]),
    );
    // A switch that raised the fence reports the pause; one resumed past its commit had no fence to raise.
    const switches = steps.filter((event) => event.step === 'reshard switch-writes' && event.outcome === 'done');
    expect(typeof switches[0]?.writePauseMs).toBe('number');
    console.log(
      `${SERVICE} load: ${load.acknowledged.size} writes and ${load.reads} reads acknowledged, ${load.failures.length} failed\n  write pauses: ${pauses.join('\n  write pauses: ')}`,
    );
    expect(load.failures).toEqual([]);
  }, 900_000);
});

/** Every acknowledged transaction is on the layout exactly once, on the shard its user belongs to; no request failed. */
async function checkLayout(layout: 'current' | 'next', step: string): Promise<void> {
  const shards = layout === 'current' ? plan.current : plan.next;
  const modulus = shards.length;
  const ids = [...load.acknowledged];
  const counts = new Map<string, number>();
  const misplaced: string[] = [];
  for (const [index, shard] of shards.entries()) {
    const rows = await query<{ id: string; user_id: string }>(
      shard,
      'SELECT id::text, user_id::text FROM public.transactions WHERE id = ANY($1::uuid[])',
      [ids],
    );
    for (const row of rows) {
      counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
      if (Number(BigInt(row.user_id) % BigInt(modulus)) !== index) misplaced.push(`${row.id} (user ${row.user_id}) on ${shard.name}`);
    }
  }
  const missing = ids.filter((id) => !counts.has(id));
  const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  console.log(
    `${step}: ${ids.length} acknowledged writes on the ${layout} layout (${modulus} shards): ${missing.length} missing, ${doubled.length} doubled, ${misplaced.length} on a wrong shard; ${load.failures.length} failed requests`,
  );
  expect({ step, missing, doubled, misplaced, failures: load.failures }).toEqual({
    step,
    missing: [],
    doubled: [],
    misplaced: [],
    failures: [],
  });
}

async function expectLayoutsEqual(step: string): Promise<void> {
  const report = await verifyLayouts(context, SERVICE);
  expect({ step, differences: report.differences }).toEqual({ step, differences: [] });
}

async function timed(label: string, step: () => Promise<unknown>): Promise<void> {
  const from = performance.now();
  await step();
  const to = performance.now();
  const waits = load.writeLatenciesBetween(from, to);
  const line = `${label}: ${(to - from).toFixed(0)} ms; ${waits.length} writes started meanwhile, p50 ${percentile(waits, 50)} ms, p95 ${percentile(waits, 95)} ms, max ${percentile(waits, 100)} ms`;
  console.log(line);
  pauses.push(line);
}

async function query<Row extends pg.QueryResultRow>(shard: LayoutShard, text: string, values: unknown[]): Promise<Row[]> {
  const cluster = shard.node.cluster;
  const client = new pg.Client(
    pgClientConfig({
      host: shard.node.host,
      port: shard.node.port,
      database: shard.node.database,
      ...running.admin[cluster]!,
      tls: shard.node.tls,
    }),
  );
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** What a step run in a child process needs to build the same context. */
function childFixture() {
  return {
    service: SERVICE,
    childInput: { topology: running.topology, admin: running.admin, prismaRoot: prismaRoot(), flagsFile, timeouts: {} },
  };
}

function prismaRoot(): string {
  return new URL('../../prisma', import.meta.url).pathname;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
