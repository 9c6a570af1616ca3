import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLogger } from '../logging/index.js';
import { copyService } from './copy-service.js';
import { adminConfig, type CutoverContext } from './cutover-context.js';
import type { CutoverPlan } from './cutover-plan.js';
import { cutoverStatus } from './cutover-status.js';
import { finishService } from './finish-service.js';
import { loadCutoverPlan } from './load-plan.js';
import { moveWrites } from './move-writes.js';
import { resyncService } from './resync-service.js';
import { rollbackService } from './rollback-service.js';
import { switchReads } from './switch-reads.js';
import { verifyService } from './verify.js';
import { WRITE_REDIRECT_SQLSTATE } from './write-guard.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';
import { runStepInChild } from './test-support/run-step-in-child.js';
import { sleep, TRANSACTIONS, WriteLoad } from './test-support/write-load.js';

/*
 * finish on a sharded service (smartcontracts: transactions modulo 4 by user, contracts on every
 * shard, so four reverse links into the monolith and a replication alias per table and shard),
 * under a steady write load on the service side: the monolith cluster and the blockchain
 * cluster, primaries only.
 */
const SERVICE = 'smartcontracts';
let fixture: CutoverFixture;
let context: CutoverContext;
let plan: CutoverPlan;
let load: WriteLoad;
/** The cutover-step events the steps logged. */
const events: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE, timeouts: { workerStartMs: 2_000 } });
  const capture: EventLogger = {
    log: (message) => void events.push(message as Record<string, unknown>),
    warn: (message) => void events.push(message as Record<string, unknown>),
  };
  context = { ...fixture.context, events: capture };
  plan = await loadCutoverPlan(context, SERVICE);
  await sql(plan.monolith, `INSERT INTO smartcontracts.contracts (name) SELECT 'contract ' || i FROM generate_series(1, 10) i`);
  load = new WriteLoad(fixture, plan, TRANSACTIONS, context.flags);
  await load.seed(2_000);
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await fixture?.stop();
});

type Node = CutoverPlan['monolith'] | CutoverPlan['targets'][number]['node'];

async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(node: Node, text: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client(adminConfig(context, node));
  await client.connect();
  try {
    return await client.query<T>(text);
  } finally {
    await client.end();
  }
}

/** The names of the cutover's subscriptions, slots and publications on `node`'s server (publications: its database). */
async function replicationObjects(node: Node): Promise<string[]> {
  const { rows } = await sql<{ name: string }>(
    node,
    `SELECT 'subscription ' || subname AS name FROM pg_subscription WHERE subname LIKE 'neo\\_%'
     UNION ALL SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name LIKE 'neo\\_%'
     UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE 'neo\\_%'
     ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

function finishEvents(): Array<Record<string, unknown>> {
  return events.filter((event) => event['event'] === 'cutover-step' && event['step'] === 'finish');
}

describe('finish: the links to the monolith removed once writes are on the service', () => {
  it('refuses before switch-writes and within the retention, completes after a kill mid-way, and the service keeps writing', async () => {
    await expect(finishService(context, SERVICE, { force: true })).rejects.toMatchObject({
      code: 'CUTOVER_WRONG_PHASE',
      message: expect.stringContaining('has not been copied'),
    });
    await load.start();
    expect((await copyService(context, SERVICE)).phase).toBe('replicating');
    await expect(finishService(context, SERVICE, { force: true })).rejects.toMatchObject({
      code: 'CUTOVER_WRONG_PHASE',
      message: expect.stringContaining(`Move them first with neo-db switch-writes ${SERVICE}`),
    });
    await switchReads(context, SERVICE, 100);
    await moveWrites(context, SERVICE, 'service');
    const state = await sql<{ moved: boolean }>(
      plan.monolith,
      `SELECT writes_moved_at IS NOT NULL AND writes_moved_at <= updated_at AS moved FROM neo_cutover.cutover_state WHERE service = '${SERVICE}'`,
    );
    expect(state.rows[0]?.moved).toBe(true);

    // Too early: the default retention, and one given.
    await expect(finishService(context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_TOO_EARLY',
      message: expect.stringMatching(/follows it for 30 day\(s\).*: 30 day\(s\) left\. .*--force/),
    });
    await expect(finishService(context, SERVICE, { retentionDays: 7 })).rejects.toMatchObject({
      code: 'CUTOVER_TOO_EARLY',
      message: expect.stringContaining('7 day(s) left'),
    });
    expect(finishEvents().at(-1)).toMatchObject({ outcome: 'failed', code: 'CUTOVER_TOO_EARLY', phaseAfter: 'writes-on-service' });

    // A state table as an older release left it, without writes_moved_at: counted from the row's last change.
    await sql(plan.monolith, `ALTER TABLE neo_cutover.cutover_state DROP COLUMN writes_moved_at`);
    await sql(plan.monolith, `UPDATE neo_cutover.cutover_state SET updated_at = now() - interval '3 days 1 hour'`);
    await expect(finishService(context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_TOO_EARLY',
      message: expect.stringMatching(/3\.0 day\(s\) ago \(.*, the last change of its cutover state\).*: 27 day\(s\) left/),
    });
    const upgraded = await sql(plan.monolith, `SELECT phase, writes_moved_at FROM neo_cutover.cutover_state`);
    expect(upgraded.rows).toEqual([{ phase: 'writes-on-service', writes_moved_at: null }]);
    const [before] = await cutoverStatus(context, [SERVICE]);
    expect(before!.replication.filter((link) => link.direction === 'reverse')).toHaveLength(4);

    // Killed with subscriptions, slots and publications gone, aliases and guards still there.
    const killed = await runStepInChild(fixture, 'finish', { killAt: 'finish:drop-aliases' });
    expect(killed.outcome).toBe('killed');
    expect((await cutoverStatus(context, [SERVICE]))[0]!.phase).toBe('finishing');
    await expect(rollbackService(context, SERVICE)).rejects.toMatchObject({
      code: 'CUTOVER_WRONG_PHASE',
      message: expect.stringContaining(`a finish was interrupted (phase finishing)`),
    });
    expect(await fixture.context.flags.read(SERVICE)).toEqual({ readPercent: 100, writeSide: 'service' });

    // The rerun completes it, without --force: the retention was passed over already.
    const rerunFrom = performance.now();
    const finished = await finishService(context, SERVICE);
    console.log(`finish (rerun after a kill at finish:drop-aliases): ${(performance.now() - rerunFrom).toFixed(0)} ms`);
    expect(finished).toMatchObject({ alreadyFinished: false, forced: false });
    expect(finished.removed.filter((line) => line.startsWith('replication alias'))).toHaveLength(8);
    expect(finished.removed.filter((line) => line.startsWith('write guard'))).toHaveLength(8);
    expect(finished.removed.filter((line) => /^(subscription|replication slot|publication) /.test(line))).toEqual([]);
    expect(finishEvents().at(-1)).toMatchObject({ outcome: 'done', phaseBefore: 'finishing', phaseAfter: 'finished' });

    // Nothing of the cutover's replication is left on either server.
    expect(await replicationObjects(plan.monolith)).toEqual([]);
    for (const target of plan.targets) {
      expect(await replicationObjects(target.node)).toEqual([]);
      const left = await sql<{ alias: string | null; schema: boolean; guards: string; rows: string }>(
        target.node,
        `SELECT to_regclass('smartcontracts.transactions')::text AS alias,
                EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'smartcontracts') AS schema,
                (SELECT count(*) FROM pg_trigger WHERE tgname = 'neo_cutover_write_guard')::text AS guards,
                (SELECT count(*) FROM public.contracts)::text AS rows`,
      );
      expect(left.rows[0]).toEqual({ alias: null, schema: false, guards: '0', rows: '10' });
    }

    // The service goes on writing on its side (the load), and what it writes no longer reaches the monolith.
    await sleep(500);
    expect(await load.problemsOn('service')).toEqual([]);
    for (const target of plan.targets) await sql(target.node, `INSERT INTO public.contracts (id, name) VALUES (2000, 'after finish')`);
    await sleep(1_000);
    expect((await sql(plan.monolith, `SELECT 1 FROM smartcontracts.contracts WHERE id = 2000`)).rowCount).toBe(0);
    // The monolith's copy stays, and its guard keeps refusing writes there.
    expect(
      Number((await sql<{ n: string }>(plan.monolith, `SELECT count(*)::text AS n FROM smartcontracts.transactions`)).rows[0]!.n),
    ).toBeGreaterThanOrEqual(2_000);
    await expect(sql(plan.monolith, `INSERT INTO smartcontracts.contracts (name) VALUES ('on the monolith')`)).rejects.toMatchObject({
      code: WRITE_REDIRECT_SQLSTATE,
      detail: 'service',
    });

    const [status] = await cutoverStatus(context, [SERVICE]);
    expect(status).toMatchObject({ phase: 'finished', writeSide: 'service', replication: [], problems: [] });
    expect(status!.flags).toEqual({ readPercent: 100, writeSide: 'service' });

    // Nothing replicates any more: the steps that need it refuse.
    for (const [command, step] of [
      ['rollback', () => rollbackService(context, SERVICE)],
      ['switch-writes', () => moveWrites(context, SERVICE, 'service')],
      ['copy', () => copyService(context, SERVICE)],
      ['verify', () => verifyService(context, SERVICE)],
      ['resync', () => resyncService(context, SERVICE)],
      ['switch-reads', () => switchReads(context, SERVICE, 0)],
    ] as const) {
      await expect(step(), command).rejects.toMatchObject({
        code: 'CUTOVER_WRONG_PHASE',
        message: expect.stringContaining(`Refusing neo-db ${command} ${SERVICE}: its cutover is finished`),
      });
    }
    expect(await fixture.context.flags.read(SERVICE)).toEqual({ readPercent: 100, writeSide: 'service' });

    expect(await finishService(context, SERVICE)).toMatchObject({ alreadyFinished: true, removed: [] });
    expect(finishEvents().at(-1)).toMatchObject({ outcome: 'nothing-to-do', phaseBefore: 'finished', phaseAfter: 'finished' });

    await sleep(300);
    expect(await load.problemsOn('service')).toEqual([]);
    console.log(
      `writes acknowledged: ${load.acknowledged.size}, redirected by the guard: ${load.redirects}, failed: ${load.failures.length}`,
    );
    expect(load.failures.map((error) => error.message)).toEqual([]);
  }, 300_000);
});
