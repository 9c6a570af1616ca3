import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyService } from './copy-service.js';
import { currentLsn, waitForSlotConfirmed } from './catch-up.js';
import { adminConfig, withAdmin } from './cutover-context.js';
import { cutoverStatus } from './cutover-status.js';
import { loadCutoverPlan } from './load-plan.js';
import { moveWrites } from './move-writes.js';
import { replicationLinks } from './replication-links.js';
import type { ReplicationDirection } from './replication-names.js';
import { resyncService } from './resync-service.js';
import { rollbackService } from './rollback-service.js';
import { switchReads } from './switch-reads.js';
import { verifyService } from './verify.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';
import { describeLatencies, sleep, TRANSACTIONS, WriteLoad } from './test-support/write-load.js';
import type { CutoverPlan } from './cutover-plan.js';

const SERVICE = 'smartcontracts';
let fixture: CutoverFixture;
let plan: CutoverPlan;
let load: WriteLoad;

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE });
  plan = await loadCutoverPlan(fixture.context, SERVICE);
  const monolith = new pg.Client(adminConfig(fixture.context, plan.monolith));
  await monolith.connect();
  await monolith.query(`INSERT INTO smartcontracts.contracts (name) SELECT 'contract ' || i FROM generate_series(1, 10) i`);
  await monolith.end();
  load = new WriteLoad(fixture, plan, TRANSACTIONS, fixture.context.flags);
  await load.seed(3_000);
  await load.start();
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await fixture?.stop();
});

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const from = performance.now();
  const result = await step();
  const to = performance.now();
  console.log(`${label}: ${(to - from).toFixed(0)} ms; writes started meanwhile: ${describeLatencies(load.timingsBetween(from, to))}`);
  return result;
}

/** Until every link of `direction` has confirmed all its publisher wrote (call with no write in flight). */
async function caughtUp(direction: ReplicationDirection): Promise<void> {
  for (const link of replicationLinks(plan, direction)) {
    await withAdmin(fixture.context, link.publisher, async (client) =>
      waitForSlotConfirmed(client, link.name, await currentLsn(client), 10_000, link.name),
    );
  }
}

describe('cutover of a sharded service (smartcontracts: transactions modulo 4 by user, contracts on every shard) under a steady write load', () => {
  it('copies, verifies, switches reads and writes, rolls back and switches again, resyncs each way, without losing or doubling a write', async () => {
    const copied = await copyService(fixture.context, SERVICE);
    expect(copied.phase).toBe('replicating');
    expect(await load.problemsOn('monolith')).toEqual([]);

    const first = await verifyService(fixture.context, SERVICE);
    expect(first.differences).toEqual([]);
    expect(first.consistent).toBe(true);
    // Each shard holds only its users' transactions, and every contract.
    const shard1 = first.comparisons.find((entry) => entry.target === 'smartcontracts_1' && entry.table === 'transactions')!;
    expect(shard1.service.rows).toBeGreaterThan(0);
    expect(shard1.service.rows).toBeLessThan(load.acknowledged.size);
    expect(first.comparisons.filter((entry) => entry.table === 'contracts').map((entry) => entry.service.rows)).toEqual([10, 10, 10, 10]);

    await switchReads(fixture.context, SERVICE, 10);
    await switchReads(fixture.context, SERVICE, 100);
    expect(await fixture.context.flags.read(SERVICE)).toEqual({ readPercent: 100, writeSide: 'monolith' });

    const switched = await timed('switch-writes', () => moveWrites(fixture.context, SERVICE, 'service'));
    expect(switched.alreadyThere).toBe(false);
    await sleep(300);
    expect(await load.problemsOn('service')).toEqual([]);
    expect((await fixture.context.flags.read(SERVICE)).writeSide).toBe('service');

    // Reference data written on the service side (to every shard) reaches the monolith once.
    for (const target of plan.targets) {
      const client = new pg.Client(adminConfig(fixture.context, target.node));
      await client.connect();
      await client.query(`INSERT INTO public.contracts (id, name) VALUES (1000, 'written on the shards')`);
      await client.end();
    }
    await sleep(500);
    expect((await verifyService(fixture.context, SERVICE)).differences).toEqual([]);

    const [status] = await cutoverStatus(fixture.context, [SERVICE]);
    expect(status!.phase).toBe('writes-on-service');
    expect(status!.replication.map((link) => link.direction)).toEqual(['reverse', 'reverse', 'reverse', 'reverse']);
    expect(status!.replication.every((link) => link.problem === undefined)).toBe(true);

    await timed('rollback', () => rollbackService(fixture.context, SERVICE));
    await sleep(300);
    expect(await load.problemsOn('monolith')).toEqual([]);
    expect(await fixture.context.flags.read(SERVICE)).toEqual({ readPercent: 0, writeSide: 'monolith' });
    expect((await verifyService(fixture.context, SERVICE)).differences).toEqual([]);

    // Rebuilt from the monolith, as after a failover of the shards' cluster: each shard refilled through its row filter.
    const forward = await timed('resync (forward, 4 shards)', () => resyncService(fixture.context, SERVICE));
    expect(forward.links.map((link) => link.name)).toHaveLength(4);
    expect(forward.verify.differences).toEqual([]);
    expect(await load.problemsOn('service', () => caughtUp('forward'))).toEqual([]);

    await timed('switch-writes again', () => moveWrites(fixture.context, SERVICE, 'service'));
    await sleep(300);
    expect(await load.problemsOn('service')).toEqual([]);

    // Rebuilt from the shards: the monolith's tables emptied once and filled from each shard, contracts from the first only.
    const reverse = await timed('resync (reverse, 4 shards)', () => resyncService(fixture.context, SERVICE));
    expect(reverse.links).toHaveLength(4);
    expect(reverse.rows.filter((entry) => entry.table === 'contracts')).toHaveLength(1);
    expect(reverse.verify.differences).toEqual([]);
    expect(await load.problemsOn('monolith', () => caughtUp('reverse'))).toEqual([]);

    const last = await verifyService(fixture.context, SERVICE);
    expect(last.differences).toEqual([]);
    console.log(
      `writes acknowledged: ${load.acknowledged.size}, redirected by the guard: ${load.redirects}, failed: ${load.failures.length}`,
    );
    expect(load.failures.map((error) => error.message)).toEqual([]);
  }, 300_000);
});
