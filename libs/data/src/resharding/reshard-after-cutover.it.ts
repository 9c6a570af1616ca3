import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataNode } from '@neo/topology';
import { copyService } from '../cutover/copy-service.js';
import { finishService } from '../cutover/finish-service.js';
import { loadCutoverPlan } from '../cutover/load-plan.js';
import { moveWrites } from '../cutover/move-writes.js';
import { verifyService } from '../cutover/verify.js';
import { adminSql } from '../cutover/test-support/admin-sql.js';
import { startCutoverFixture, type CutoverFixture } from '../cutover/test-support/cutover-fixture.js';
import { TRANSACTIONS, WriteLoad } from '../cutover/test-support/write-load.js';
import { copyToNextLayout } from './reshard-copy.js';
import type { ReshardContext } from './reshard-context.js';
import { finishReshard } from './reshard-finish.js';
import { loadReshardPlan } from './reshard-context.js';
import { moveLayoutWrites } from './reshard-switch.js';
import { verifyLayouts } from './reshard-verify.js';

// A service that moved out of the monolith (writes on its 4 shards, the monolith following by
// reverse replication) is resharded to 8: the monolith keeps following through the old shards,
// which follow the new ones, until the move out of the monolith is finished.
const SERVICE = 'smartcontracts';
let fixture: CutoverFixture;
let context: ReshardContext;

beforeAll(async () => {
  fixture = await startCutoverFixture({
    service: SERVICE,
    adjust: {
      clusters: ['blockchain_next'],
      topology: (declared) => {
        const blockchain = declared.clusters['blockchain']!;
        declared.clusters['blockchain_next'] = {
          ...structuredClone(blockchain),
          primary: { name: 'blockchain-next-primary', weight: 1 },
          replicas: [],
        };
        declared.services[SERVICE]!.sharding!.next = {
          modulus: 8,
          keepOldLayoutDays: 7,
          shards: Array.from({ length: 8 }, (_, remainder) => ({
            name: `sc8_${remainder}`,
            database: `neo_sc8_${remainder}`,
            cluster: 'blockchain_next',
            remainder,
          })),
        };
      },
    },
  });
  context = fixture.context;
  const plan = await loadCutoverPlan(context, SERVICE);
  await sql(plan.monolith, `INSERT INTO smartcontracts.contracts (name) SELECT 'contract ' || i FROM generate_series(1, 10) i`);
  const load = new WriteLoad(fixture, plan, TRANSACTIONS, context.flags);
  await load.seed(2_000);
  await load.stop();
}, 180_000);

afterAll(async () => {
  await fixture?.stop();
});

describe('resharding a service that moved out of the monolith', () => {
  it('keeps the monolith following through the old layout, and finishes only after the move out of the monolith', async () => {
    await copyService(context, SERVICE);
    await moveWrites(context, SERVICE, 'service');
    await expect(copyToNextLayout(context, SERVICE)).resolves.toMatchObject({ phase: 'replicating', links: 8 });
    await moveLayoutWrites(context, SERVICE, 'next');
    // The cutover's own moves are refused while the reshard runs.
    await expect(moveWrites(context, SERVICE, 'monolith')).rejects.toThrow(/is being resharded/);

    // Written where the service now writes: each new shard, a transaction of one of its users, and a contract on every shard.
    const reshard = await loadReshardPlan(context, SERVICE);
    const ids: string[] = [];
    for (const [remainder, shard] of reshard.next.entries()) {
      const id = randomUUID();
      ids.push(id);
      await sql(shard.node, `INSERT INTO public.transactions (id, user_id, amount) VALUES ('${id}', ${800 + remainder}, 7)`);
      await sql(shard.node, `INSERT INTO public.contracts (id, name) VALUES (1000, 'written on the new layout')`);
    }
    const cutoverPlan = await loadCutoverPlan(context, SERVICE);
    await until(
      async () =>
        Number(
          (await sql(cutoverPlan.monolith, `SELECT count(*) FROM smartcontracts.transactions WHERE id = ANY('{${ids.join(',')}}'::uuid[])`))
            .rows[0].count,
        ) === 8,
    );
    const contracts = await sql(cutoverPlan.monolith, `SELECT count(*) FROM smartcontracts.contracts WHERE id = 1000`);
    expect(Number(contracts.rows[0].count)).toBe(1);
    expect((await verifyLayouts(context, SERVICE)).differences).toEqual([]);
    expect((await verifyService(context, SERVICE)).differences).toEqual([]);

    // The monolith still reads the old shards: they stay until its move is finished.
    await expect(finishReshard(context, SERVICE, { force: true })).rejects.toThrow(
      /the monolith still follows its shards.*neo-db finish smartcontracts/,
    );
    await finishService(context, SERVICE, { force: true });
    const finished = await finishReshard(context, SERVICE, { force: true });
    expect(finished.dropped).toHaveLength(4);
  }, 300_000);
});

function sql(node: DataNode, text: string): Promise<pg.QueryResult> {
  return adminSql(fixture.context, node, text);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
