import { dataNodeLabel } from '@neo/topology';
import { connectAdmin, enterStep, logOf, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { currentLsn, waitForSlotConfirmed } from './catch-up.js';
import { CutoverError } from './cutover.error.js';
import type { ReplicationChannel } from './replication-links.js';
import { copyTableRows } from './resync-table.js';
import { SnapshotSlot } from './snapshot-slot.js';
import { disableStaleSubscriptions } from './stale-subscriptions.js';
import { createSubscriptions, dropChannel, nodeKey, waitForWorkers } from './write-switch.js';

/** A table a link delivers: read on the publisher (through the link's row filter), written on the subscriber. */
export interface DeliveredTable {
  table: string;
  /** Qualified name on the publisher. */
  source: string;
  /** Qualified name on the subscriber. */
  receiving: string;
  filter?: string;
}

/** A link to rebuild, with every table it delivers. */
export interface RebuiltLink extends ReplicationChannel {
  delivered: DeliveredTable[];
}

export interface RebuildResult {
  /** The links rebuilt, with the publisher and subscriber each now has (`monolith → core/core-replica-1/neo_storage`). */
  links: Array<{ name: string; route: string }>;
  /** Rows copied per link and table from the slot's snapshot. */
  rows: Array<{ link: string; table: string; rows: number }>;
  /** From the start until the rebuilt links had caught up. */
  repairMs: number;
}

/**
 * Rebuilds replication links from their publishers, on each cluster's current primary: for after
 * a failover (PostgreSQL 15 keeps logical slots on the primary only, so a promoted publisher has
 * none, and a promoted subscriber may have confirmed less than its publisher's slot believes).
 * The cutover's `resync` and the reshard's use it.
 *
 * The receiving side of an active link is never written by the services (its write guard refuses
 * them), and every row of a table it receives comes from the links, so it can be rebuilt from the
 * publishers without losing anything:
 *
 * 1. Drop each link's subscription (detached from its slot first, so a dead publisher is not
 *    needed) and whatever is left of its slot on the publisher's current primary. The copy of
 *    the subscription on an old primary that still runs is disabled first (stale-subscriptions.ts).
 * 2. Create each slot anew with an exported snapshot (snapshot-slot.ts).
 * 3. Per receiving database, in one transaction (readers see the old rows until it commits,
 *    never an empty table): delete the delivered tables' rows and insert the publishers' rows
 *    read in each slot's snapshot through the link's row filter, as replication would
 *    (`session_replication_role = replica`).
 * 4. Subscribe to the slots with `copy_data = false`: the slot streams exactly what came after
 *    its snapshot, so every row arrives once.
 * 5. Wait until the subscriptions confirmed the publishers' current position.
 *
 * Every run starts again from step 1, so a run that was interrupted anywhere is finished by
 * running it again. Writes on the publishing side go on throughout. `rerun` is the command a
 * failure tells the operator to run again.
 */
export async function rebuildLinks(
  context: CutoverContext,
  label: string,
  links: readonly RebuiltLink[],
  rerun: string,
): Promise<RebuildResult> {
  const log = logOf(context);
  const timeouts = timeoutsOf(context);
  const started = performance.now();
  const route = (link: ReplicationChannel) => `${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)}`;
  log(`${label}: rebuilding ${links.map((link) => `${link.name} (${route(link)})`).join(', ')} from the side of record`);

  await enterStep(context, 'resync:drop');
  for (const link of links) {
    for (const node of await disableStaleSubscriptions(context, link))
      log(`${label}: disabled the copy of ${link.name} on ${node}, the old primary, so it cannot take the slot`);
    // A promoted publisher has no slot left: only the subscription is dropped there.
    await dropChannel(context, link);
  }

  await enterStep(context, 'resync:slots');
  const slots: SnapshotSlot[] = [];
  const rows: RebuildResult['rows'] = [];
  try {
    for (const link of links) slots.push(await SnapshotSlot.create(context, link.publisher, link.name));
    await enterStep(context, 'resync:copy');
    for (const group of bySubscriber(links)) rows.push(...(await refill(context, group, slots)));
  } finally {
    await Promise.allSettled(slots.map((slot) => slot.close()));
  }
  for (const entry of rows) log(`${label}: ${entry.link}: ${entry.table} refilled with ${entry.rows} row(s)`);

  await enterStep(context, 'resync:subscribe');
  await createSubscriptions(context, links);
  const waiting = await waitForWorkers(context, links, timeouts.workerStartMs);
  if (waiting.length > 0) {
    throw new CutoverError(
      'CUTOVER_REPLICATION_BROKEN',
      `${label}: the rebuilt subscription(s) ${waiting.join(', ')} have no apply worker after ${timeouts.workerStartMs} ms (the subscriber's server log says why). Run ${rerun} again once that is fixed.`,
    );
  }
  await enterStep(context, 'resync:catch-up');
  for (const link of links) {
    await withAdmin(context, link.publisher, async (client) =>
      waitForSlotConfirmed(client, link.name, await currentLsn(client), timeouts.catchUpMs, `${link.name} (${route(link)})`),
    );
  }
  const repairMs = performance.now() - started;
  log(`${label}: ${links.length} link(s) rebuilt and caught up in ${repairMs.toFixed(0)} ms; verifying`);
  return { links: links.map((link) => ({ name: link.name, route: route(link) })), rows, repairMs };
}

/** Links grouped by the database that receives them: one transaction refills each database. */
function bySubscriber(links: readonly RebuiltLink[]): RebuiltLink[][] {
  const groups = new Map<string, RebuiltLink[]>();
  for (const link of links) {
    const key = nodeKey(link.subscriber);
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  return [...groups.values()];
}

/**
 * Replaces the rows of every table the links deliver to one database with the publishers' rows
 * in each slot's snapshot, in one transaction. A table fed by several links (a monolith table
 * from several shards, a shard from several shards of the other layout) is emptied once, then
 * filled from each.
 */
async function refill(
  context: CutoverContext,
  group: readonly RebuiltLink[],
  slots: readonly SnapshotSlot[],
): Promise<RebuildResult['rows']> {
  const receiving = await connectAdmin(context, group[0]!.subscriber);
  const copied: RebuildResult['rows'] = [];
  try {
    await receiving.query('BEGIN');
    // As replication's apply workers: the write guard and foreign-key triggers do not fire.
    await receiving.query('SET LOCAL session_replication_role = replica');
    for (const name of new Set(group.flatMap((link) => link.delivered.map((table) => table.receiving)))) {
      await receiving.query(`DELETE FROM ${name}`);
    }
    for (const link of group) {
      const slot = slots.find((candidate) => candidate.slot === link.name)!;
      const source = await connectAdmin(context, link.publisher);
      try {
        await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await source.query(`SET TRANSACTION SNAPSHOT '${slot.snapshot}'`);
        for (const table of link.delivered) {
          const rows = await copyTableRows(
            { client: source, name: table.source, ...(table.filter ? { filter: table.filter } : {}) },
            receiving,
            table.receiving,
          );
          copied.push({ link: link.name, table: table.table, rows });
        }
        await source.query('COMMIT');
      } finally {
        await source.end().catch(() => undefined);
      }
    }
    await receiving.query('COMMIT');
    return copied;
  } catch (error) {
    await receiving.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await receiving.end().catch(() => undefined);
  }
}
