import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataNode } from '@neo/topology';
import { copyService } from '../cutover/copy-service.js';
import { loadCutoverPlan } from '../cutover/load-plan.js';
import { moveWrites } from '../cutover/move-writes.js';
import { adminSql } from '../cutover/test-support/admin-sql.js';
import { startCutoverFixture, type CutoverFixture } from '../cutover/test-support/cutover-fixture.js';
import { STORAGE_OBJECTS, WriteLoad } from '../cutover/test-support/write-load.js';
import { copyToNextLayout } from './reshard-copy.js';
import { loadReshardPlan, type ReshardContext } from './reshard-context.js';
import { moveLayoutWrites } from './reshard-switch.js';
import { verifyLayouts } from './reshard-verify.js';
import { declareStorage2026Halves } from './test-support/storage-2026-halves.js';

// Storage's yearly date ranges re-cut: 2026 split at July 1 into two shards, every shard a new
// database on the same cluster. The rows move by the range strategy's date predicates.
const SERVICE = 'storage';
let fixture: CutoverFixture;
let context: ReshardContext;

beforeAll(async () => {
  fixture = await startCutoverFixture({
    service: SERVICE,
    adjust: {
      clusters: [],
      topology: declareStorage2026Halves,
    },
  });
  context = fixture.context;
  const load = new WriteLoad(fixture, await loadCutoverPlan(context, SERVICE), STORAGE_OBJECTS, context.flags);
  await load.seed(3_000);
  await load.stop();
}, 180_000);

afterAll(async () => {
  await fixture?.stop();
});

describe('a range split of date shards', () => {
  it('moves each object to the shard of its date, both ways, with the layouts equal after each step', async () => {
    await copyService(context, SERVICE);
    await moveWrites(context, SERVICE, 'service');
    await copyToNextLayout(context, SERVICE);
    const plan = await loadReshardPlan(context, SERVICE);
    // Each current year feeds the new shards of its dates only: 2026 (and the open 2027) feed both halves of 2026.
    expect(plan.forward.map((link) => `${link.publisher.database}→${link.subscriber.database}`)).toEqual(
      expect.arrayContaining([
        'neo_storage_2024→neo_objects_2024',
        'neo_storage_2026→neo_objects_2026_h1',
        'neo_storage_2026→neo_objects_2026_h2',
      ]),
    );
    expect(
      plan.forward.some((link) => link.publisher.database === 'neo_storage_2024' && link.subscriber.database !== 'neo_objects_2024'),
    ).toBe(false);
    const first = await verifyLayouts(context, SERVICE);
    expect(first.differences).toEqual([]);
    const halves = first.comparisons.filter((entry) => entry.layout === 'next' && entry.shard.startsWith('objects_2026'));
    expect(halves.every((entry) => entry.actual.rows > 0)).toBe(true);

    await moveLayoutWrites(context, SERVICE, 'next');
    // A write of the second half of 2026, where the service now writes it.
    const h2 = plan.next.find((shard) => shard.name === 'objects_2026_h2')!;
    await sql(
      h2.node,
      `INSERT INTO public.storage_objects (id, key, owner, size, content_hash, created_date) VALUES (gen_random_uuid(), 'late', 'nobody', 1, repeat('c', 64), '2026-09-09')`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await verifyLayouts(context, SERVICE)).differences).toEqual([]);

    await moveLayoutWrites(context, SERVICE, 'current');
    const back = await verifyLayouts(context, SERVICE);
    expect(back.differences).toEqual([]);
    const on2026 = back.comparisons.find((entry) => entry.layout === 'current' && entry.shard === 'storage_2026')!;
    expect(on2026.actual.rows).toBe(halves.reduce((sum, entry) => sum + entry.actual.rows, 0) + 1);
  }, 300_000);
});

function sql(node: DataNode, text: string): Promise<pg.QueryResult> {
  return adminSql(fixture.context, node, text);
}
