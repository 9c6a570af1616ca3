import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataNode } from '@neo/topology';
import { copyService } from '../cutover/copy-service.js';
import type { CutoverContext } from '../cutover/cutover-context.js';
import { loadCutoverPlan } from '../cutover/load-plan.js';
import { moveWrites } from '../cutover/move-writes.js';
import { repairLinksAfterFailover } from '../cutover/repair-after-failover.js';
import { adminSql } from '../cutover/test-support/admin-sql.js';
import { killPrimary, promoteAReplica, withPromotedPrimary } from '../cutover/test-support/cluster-failover.js';
import { startCutoverFixture, type CutoverFixture } from '../cutover/test-support/cutover-fixture.js';
import { STORAGE_OBJECTS, WriteLoad } from '../cutover/test-support/write-load.js';
import { repairReshardLinksAfterFailover } from './repair-reshard-links.js';
import { copyToNextLayout } from './reshard-copy.js';
import { loadReshardPlan } from './reshard-context.js';
import { resyncReshard } from './reshard-resync.js';
import { reshardStatus } from './reshard-status.js';
import { moveLayoutWrites } from './reshard-switch.js';
import { verifyLayouts } from './reshard-verify.js';
import { declareStorage2026Halves } from './test-support/storage-2026-halves.js';

/*
 * A reshard's links survive a failover of the cluster holding both layouts. Storage, moved out of
 * the monolith, is resharded on its own cluster (2026 split at July 1) and its writes moved to the
 * new layout, so the old shards follow the new ones by logical replication (reverse links: the new
 * shards publish, their slots live on the primary only). The cluster's primary is SIGKILLed and its
 * synchronous replica promoted; the repair rebuilds the reshard's links (and the cutover's) from the
 * promoted node. Then both layouts hold the same rows, and rows written after the repair reach the
 * old layout too.
 */

const SERVICE = 'storage';
let fixture: CutoverFixture;
let cluster: string;

beforeAll(async () => {
  fixture = await startCutoverFixture({
    service: SERVICE,
    serviceReplicas: 1,
    timeouts: { workerStartMs: 10_000 },
    adjust: {
      clusters: [],
      topology: declareStorage2026Halves,
    },
  });
  cluster = fixture.topology.services[SERVICE]!.cluster;
  const load = new WriteLoad(fixture, await loadCutoverPlan(fixture.context, SERVICE), STORAGE_OBJECTS, fixture.context.flags);
  await load.seed(2_000);
  await load.stop();
  await copyService(fixture.context, SERVICE);
  await moveWrites(fixture.context, SERVICE, 'service');
  await copyToNextLayout(fixture.context, SERVICE);
  await moveLayoutWrites(fixture.context, SERVICE, 'next');
}, 240_000);

afterAll(async () => {
  await fixture?.stop();
});

/** A storage object of the second half of 2026, written where the service writes it now (the new layout's shard). */
function writeLate(context: CutoverContext, node: DataNode, key: string): Promise<pg.QueryResult> {
  return adminSql(
    context,
    node,
    `INSERT INTO public.storage_objects (id, key, owner, size, content_hash, created_date) VALUES (gen_random_uuid(), '${key}', 'nobody', 1, repeat('c', 64), '2026-09-09')`,
  );
}

async function waitUntilEqual(context: CutoverContext): Promise<string[]> {
  let differences: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    differences = (await verifyLayouts(context, SERVICE)).differences;
    if (differences.length === 0) return differences;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return differences;
}

describe('reshard links after a failover of the cluster holding both layouts', () => {
  it('rebuilds the reverse links on the promoted primary: both layouts equal, later writes reach the old layout', async () => {
    const plan = await loadReshardPlan(fixture.context, SERVICE);
    const h2 = plan.next.find((shard) => shard.name === 'objects_2026_h2')!;
    await writeLate(fixture.context, h2.node, 'before-failover');
    expect(await waitUntilEqual(fixture.context)).toEqual([]);

    killPrimary(fixture, cluster);
    const outcome = await promoteAReplica(fixture, cluster);
    expect(outcome.oldPrimary).toBe('unreachable');
    const context: CutoverContext = { ...fixture.context, topology: withPromotedPrimary(fixture, cluster, outcome.promoted) };
    const promotedPlan = await loadReshardPlan(context, SERVICE);
    const promotedH2 = promotedPlan.next.find((shard) => shard.name === 'objects_2026_h2')!;
    expect(promotedH2.node.node).toBe(outcome.promoted);

    // Broken as PostgreSQL 15 leaves them: every slot was on the dead primary only.
    const broken = await reshardStatus(context, SERVICE);
    expect(broken.phase).toBe('writes-on-next');
    expect(broken.links.length).toBeGreaterThan(0);
    expect(broken.links.every((link) => link.problem !== undefined)).toBe(true);

    // As the failover runs them: the cutover's links first, then the reshard's.
    const cutoverRepairs = await repairLinksAfterFailover(context, cluster);
    expect(cutoverRepairs.map((repair) => [repair.service, repair.outcome])).toEqual([[SERVICE, 'resynced']]);
    const repairs = await repairReshardLinksAfterFailover(context, cluster);
    expect(repairs).toHaveLength(1);
    const repair = repairs[0]!;
    if (repair.outcome !== 'resynced') throw new Error(`not repaired: ${repair.reason}`);
    expect(repair.result.direction).toBe('reverse');
    expect(repair.result.verify.differences).toEqual([]);
    expect(repair.result.links).toHaveLength(promotedPlan.reverse.length);
    expect(repair.result.links.every((link) => link.route.includes(`${cluster}/${outcome.promoted}/`))).toBe(true);
    const healthy = await reshardStatus(context, SERVICE);
    expect(healthy.links.map((link) => link.problem)).toEqual(healthy.links.map(() => undefined));

    // A row written on the new layout after the repair reaches the old one.
    await writeLate(context, promotedH2.node, 'after-failover');
    expect(await waitUntilEqual(context)).toEqual([]);
    const storage2026 = promotedPlan.current.find((shard) => shard.name === 'storage_2026')!;
    const { rows } = await adminSql(
      context,
      storage2026.node,
      "SELECT key FROM public.storage_objects WHERE owner = 'nobody' ORDER BY key",
    );
    expect(rows.map((row) => row.key)).toEqual(['after-failover', 'before-failover']);

    // Safe to run again: a second run rebuilds the same links and leaves the same rows.
    const again = await resyncReshard(context, SERVICE);
    expect(again.verify.differences).toEqual([]);
    expect(again.rows.reduce((sum, entry) => sum + entry.rows, 0)).toBe(repair.result.rows.reduce((sum, entry) => sum + entry.rows, 0) + 1);
  }, 240_000);
});
