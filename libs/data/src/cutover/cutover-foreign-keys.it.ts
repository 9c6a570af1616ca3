import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyService } from './copy-service.js';
import { adminConfig, type CutoverContext } from './cutover-context.js';
import type { CutoverPlan } from './cutover-plan.js';
import { cutoverStatus } from './cutover-status.js';
import { loadCutoverPlan } from './load-plan.js';
import { moveWrites, type MoveWritesResult } from './move-writes.js';
import { rollbackService } from './rollback-service.js';
import { verifyService } from './verify.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';
import { describeLatencies, sleep, TRANSACTIONS_OF_CONTRACTS, WriteLoad } from './test-support/write-load.js';

// smartcontracts as the service has it: `transactions` references `contracts` by a foreign key,
// and contracts come first in the schema (so a fence locking tables in model order would lock
// `contracts` before `transactions`).
const SERVICE = 'smartcontracts';
let fixture: CutoverFixture;
let plan: CutoverPlan;
let load: WriteLoad;

beforeAll(async () => {
  fixture = await startCutoverFixture({ service: SERVICE });
  plan = await loadCutoverPlan(fixture.context, SERVICE);
  await withMonolith((client) =>
    client.query(`INSERT INTO smartcontracts.contracts (name) SELECT 'contract ' || i FROM generate_series(1, 10) i`),
  );
  load = new WriteLoad(fixture, plan, TRANSACTIONS_OF_CONTRACTS, fixture.context.flags);
  await load.seed(2_000);
  await copyService(fixture.context, SERVICE);
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await fixture?.stop();
});

async function withMonolith<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(adminConfig(fixture.context, plan.monolith));
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An application's connection to the service's schema in the monolith, with a transaction open. */
async function openWriteTransaction(): Promise<pg.Client> {
  const client = new pg.Client(adminConfig(fixture.context, plan.monolith));
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`SET application_name = 'smart-contracts-writer'`);
  await client.query('BEGIN');
  return client;
}

/** Resolves once a cutover connection waits for a lock on the monolith: the fence is queued behind the open writer. */
async function untilFenceWaits(): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const waiting = await withMonolith(async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'neo-cutover' AND wait_event_type = 'Lock'`,
      );
      return rows[0]!.n;
    });
    if (waiting > 0) return;
    await sleep(10);
  }
  throw new Error('the fence never waited for the open write transaction');
}

const insertTransaction = (contractId: number | null) =>
  `INSERT INTO smartcontracts.transactions (id, user_id, contract_id, amount) VALUES (gen_random_uuid(), 5, ${contractId ?? 'NULL'}, 1)`;

describe('the write fence with writers that use foreign keys', () => {
  it('waits for an insert that holds transactions and then checks its contract, instead of deadlocking with it', async () => {
    const writer = await openWriteTransaction();
    try {
      await writer.query(insertTransaction(null));
      const verifying = verifyService(fixture.context, SERVICE);
      await untilFenceWaits();
      // The foreign-key check reads contracts while the writer holds transactions.
      await writer.query(insertTransaction(1));
      await writer.query('COMMIT');
      const report = await verifying;
      expect(report.differences).toEqual([]);
      expect(report.consistent).toBe(true);
    } finally {
      await writer.end();
    }
  });

  it('waits for a transaction that writes contracts and then transactions, instead of deadlocking with it', async () => {
    const writer = await openWriteTransaction();
    try {
      await writer.query(`INSERT INTO smartcontracts.contracts (name) VALUES ('written before its first transaction')`);
      const verifying = verifyService(fixture.context, SERVICE);
      await untilFenceWaits();
      await writer.query(insertTransaction(1));
      await writer.query('COMMIT');
      expect((await verifying).differences).toEqual([]);
    } finally {
      await writer.end();
    }
  });

  it('says which write transactions kept it from being raised in time, and switches nothing', async () => {
    const writer = await openWriteTransaction();
    try {
      await writer.query(insertTransaction(2));
      const { rows } = await writer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const impatient = { ...fixture.context, timeouts: { ...fixture.context.timeouts, fenceLockMs: 300 } };
      await expect(moveWrites(impatient, SERVICE, 'service')).rejects.toMatchObject({
        code: 'CUTOVER_FENCE_TIMEOUT',
        message: expect.stringMatching(
          new RegExp(
            `within 300 ms: .*1 write transaction\\(s\\) of smartcontracts were still open: pid ${rows[0]!.pid} \\(application "smart-contracts-writer", idle in transaction, open for`,
          ),
        ),
      });
      await writer.query('ROLLBACK');
    } finally {
      await writer.end();
    }
    const [status] = await cutoverStatus(fixture.context, [SERVICE]);
    expect(status).toMatchObject({ phase: 'replicating', writeSide: 'monolith' });
    expect((await fixture.context.flags.read(SERVICE)).writeSide).toBe('monolith');
  });
});

describe('a cutover of smartcontracts under concurrent inserts with foreign keys', () => {
  it('verifies, switches writes and rolls back, round after round, with no failed write and no failed command', async () => {
    await load.start();
    const failedCommands: string[] = [];
    const run = async <T>(label: string, step: () => Promise<T>): Promise<T | undefined> => {
      const from = performance.now();
      let result: T | undefined;
      try {
        result = await step();
      } catch (error) {
        failedCommands.push(`${label}: ${(error as Error).message}`);
      }
      const to = performance.now();
      const paused = (result as MoveWritesResult | undefined)?.pausedMs;
      console.log(
        `${label}: ${(to - from).toFixed(0)} ms${paused !== undefined ? ` (reported pause ${paused.toFixed(0)} ms)` : ''}; ` +
          `writes started meanwhile: ${describeLatencies(load.timingsBetween(from, to))}`,
      );
      return result;
    };
    const verify = async () => {
      const report = await verifyService(fixture.context, SERVICE);
      if (!report.ok || !report.consistent) throw new Error(`verify: ${report.differences.join('; ') || 'not consistent'}`);
    };
    // What `neo-db status` says while the step waits for the new subscriptions' workers, and right after it.
    const status = async (when: string) => {
      const [current] = await cutoverStatus(fixture.context, [SERVICE]);
      for (const link of current!.replication) if (link.problem) failedCommands.push(`status ${when}: ${link.name}: ${link.problem}`);
      for (const problem of current!.problems) failedCommands.push(`status ${when}: ${problem}`);
    };
    const watched = (label: string): CutoverContext => ({
      ...fixture.context,
      onStep: async (step) => {
        if (step === 'switch:wait-for-workers') await status(`during ${label}, its subscriptions just made`);
      },
    });

    for (let round = 1; round <= 3; round++) {
      await run(`round ${round}: verify`, verify);
      const switched = await run(`round ${round}: switch-writes`, () => moveWrites(watched('switch-writes'), SERVICE, 'service'));
      await status(`after switch-writes (round ${round})`);
      await run(`round ${round}: verify (writes on the service)`, verify);
      const rolledBack = await run(`round ${round}: rollback`, () => rollbackService(watched('rollback'), SERVICE));
      await status(`after rollback (round ${round})`);
      for (const result of [switched, rolledBack]) {
        expect(result?.pausedMs).toBeGreaterThan(0);
        expect(result!.pausedMs!).toBeGreaterThanOrEqual(result!.fencedMs!);
      }
    }
    await run('verify at the end', verify);
    await sleep(300);

    console.log(
      `writes acknowledged: ${load.acknowledged.size}, redirected by the guard: ${load.redirects}, failed: ${load.failures.length}`,
    );
    expect(failedCommands).toEqual([]);
    expect(load.failures.map((error) => error.message)).toEqual([]);
    expect(await load.problemsOn('monolith')).toEqual([]);
  }, 300_000);
});
