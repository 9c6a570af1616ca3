import type pg from 'pg';
import type { DataNode } from '@neo/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyService } from './copy-service.js';
import type { CutoverContext } from './cutover-context.js';
import type { CutoverPlan } from './cutover-plan.js';
import { cutoverStatus } from './cutover-status.js';
import { loadCutoverPlan } from './load-plan.js';
import { moveWrites } from './move-writes.js';
import { rollbackService } from './rollback-service.js';
import { switchReads } from './switch-reads.js';
import { verifyService } from './verify.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';
import { runStepInChild } from './test-support/run-step-in-child.js';
import { adminSql } from './test-support/admin-sql.js';
import { describeLatencies, sleep, STORAGE_OBJECTS, WriteLoad } from './test-support/write-load.js';

// An unsharded service: storage with its sharding block removed, so everything lives in neo_storage.
const SERVICE = 'storage';
/** A row the load never touches, for tests that damage the service side on purpose. */
const UNTOUCHED_ID = '00000000-0000-4000-8000-000000000001';
let fixture: CutoverFixture;
let plan: CutoverPlan;
let load: WriteLoad;

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE, unsharded: true, timeouts: { workerStartMs: 2_000 } });
  plan = await loadCutoverPlan(fixture.context, SERVICE);
  load = new WriteLoad(fixture, plan, STORAGE_OBJECTS, fixture.context.flags);
  await load.seed(20_000);
  await sql(
    plan.monolith,
    `INSERT INTO storage.storage_objects (id, key, owner, size, content_hash, created_date) VALUES ('${UNTOUCHED_ID}', 'untouched', 'nobody', 7, repeat('b', 64), '2025-05-05')`,
  );
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await fixture?.stop();
});

function sql(node: DataNode, text: string): Promise<pg.QueryResult> {
  return adminSql(fixture.context, node, text);
}

/** Runs a switch, printing the latencies of the writes that started while it ran. */
async function timed<T>(label: string, step: (context: CutoverContext) => Promise<T>): Promise<T> {
  const from = performance.now();
  const result = await step(fixture.context);
  const to = performance.now();
  console.log(`${label}: ${(to - from).toFixed(0)} ms; writes started meanwhile: ${describeLatencies(load.timingsBetween(from, to))}`);
  return result;
}

const home = () => plan.targets[0]!.node;

async function waitUntilReplicationHealthy(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [status] = await cutoverStatus(fixture.context, [SERVICE]);
    if (status!.replication.length > 0 && status!.replication.every((link) => link.problem === undefined)) return;
    await sleep(100);
  }
  throw new Error('replication did not recover');
}

describe('cutover of an unsharded service (storage) with refusals and interrupted commands', () => {
  it('refuses unsafe steps before the copy, with the reason', async () => {
    await expect(moveWrites(fixture.context, SERVICE, 'service')).rejects.toMatchObject({
      code: 'CUTOVER_WRONG_PHASE',
      message: expect.stringContaining('neo-db copy storage'),
    });
    await expect(switchReads(fixture.context, SERVICE, 10)).rejects.toMatchObject({ code: 'CUTOVER_WRONG_PHASE' });
    // Both sides are empty here: "the same rows" would be true, and would say nothing.
    await expect(verifyService(fixture.context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_WRONG_PHASE',
      message: expect.stringContaining('nothing of storage has been copied yet'),
    });

    await sql(
      home(),
      `INSERT INTO public.storage_objects (id, key, owner, size, content_hash, created_date) VALUES (gen_random_uuid(), 'stray', 'someone', 1, repeat('c', 64), now())`,
    );
    await expect(copyService(fixture.context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_TARGET_NOT_EMPTY',
      message: expect.stringContaining('storage_objects'),
    });
    await sql(home(), `DELETE FROM public.storage_objects`);
  });

  it('completes copy, switch-writes and rollback after each was killed mid-way, under load, without losing or doubling a write', async () => {
    await load.start();

    const killedCopy = await runStepInChild(fixture, 'copy', { killAt: 'copy:initial-copy' });
    expect(killedCopy.outcome).toBe('killed');
    expect((await cutoverStatus(fixture.context, [SERVICE]))[0]!.phase).toBe('copying');
    expect((await copyService(fixture.context, SERVICE)).phase).toBe('replicating');
    expect(await load.problemsOn('monolith')).toEqual([]);
    expect((await verifyService(fixture.context, SERVICE)).differences).toEqual([]);

    // A row changed behind replication's back: verify names it, and switch-writes refuses.
    await sql(home(), `SET session_replication_role = replica; UPDATE public.storage_objects SET size = 8 WHERE id = '${UNTOUCHED_ID}'`);
    const damaged = await verifyService(fixture.context, SERVICE);
    expect(damaged.ok).toBe(false);
    expect(damaged.differences.join('\n')).toContain(UNTOUCHED_ID);
    await expect(moveWrites(fixture.context, SERVICE, 'service')).rejects.toMatchObject({
      code: 'CUTOVER_VERIFY_FAILED',
      message: expect.stringContaining(UNTOUCHED_ID),
    });
    await sql(home(), `SET session_replication_role = replica; UPDATE public.storage_objects SET size = 7 WHERE id = '${UNTOUCHED_ID}'`);

    // Killed with the fence up: the server ends the fence, writes go on on the monolith, the rerun switches.
    const killedAtFence = await runStepInChild(fixture, 'switch-writes', { killAt: 'switch:catch-up' });
    expect(killedAtFence.outcome).toBe('killed');
    expect(await load.problemsOn('monolith')).toEqual([]);
    await timed('switch-writes (rerun after a kill at the fence)', (context) => moveWrites(context, SERVICE, 'service'));
    await sleep(300);
    expect(await load.problemsOn('service')).toEqual([]);

    // Replication broken: rollback refuses.
    await sql(plan.monolith, `ALTER SUBSCRIPTION neo_rev_storage DISABLE`);
    await expect(rollbackService(fixture.context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_REPLICATION_BROKEN',
      message: expect.stringContaining('disabled'),
    });
    await sql(plan.monolith, `ALTER SUBSCRIPTION neo_rev_storage ENABLE`);
    await waitUntilReplicationHealthy();

    // Killed after the point of no return: writes wait on the new side until the rerun finishes.
    const killedAfterCommit = await runStepInChild(fixture, 'rollback', { killAt: 'switch:start-new-replication' });
    expect(killedAfterCommit.outcome).toBe('killed');
    await timed('rollback (rerun after a kill past the point of no return)', (context) => rollbackService(context, SERVICE));
    await sleep(300);
    expect(await load.problemsOn('monolith')).toEqual([]);
    expect((await verifyService(fixture.context, SERVICE)).differences).toEqual([]);

    const again = await runStepInChild(fixture, 'switch-writes');
    expect(again).toMatchObject({ outcome: 'done' });
    await sleep(300);
    expect(await load.problemsOn('service')).toEqual([]);
    expect((await verifyService(fixture.context, SERVICE)).differences).toEqual([]);
    console.log(
      `writes acknowledged: ${load.acknowledged.size}, redirected by the guard: ${load.redirects}, failed: ${load.failures.length}`,
    );
    expect(load.failures.map((error) => error.message)).toEqual([]);
  }, 300_000);
});
