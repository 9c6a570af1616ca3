import { dataNodeLabel, type DataNode } from '@neo/topology';
import { connectAdmin, enterStep, logOf, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { currentLsn, waitForSlotConfirmed } from './catch-up.js';
import { CutoverError } from './cutover.error.js';
import { readPhase, type CutoverPhase } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { createSubscriptions, waitForWorkers } from './write-switch.js';
import { replicationLinks, type ReplicationLink } from './replication-links.js';
import type { ReplicationDirection } from './replication-names.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { copyTableRows } from './resync-table.js';
import { SnapshotSlot } from './snapshot-slot.js';
import { disableStaleSubscriptions } from './stale-subscriptions.js';
import { qualified } from './sql-text.js';
import { loggedStep } from './step-events.js';
import { dropSubscription } from './subscriptions.js';
import { compareSides, type VerifyReport } from './verify.js';

/** The phases with replication running, and its direction (the side of record publishes). */
const ACTIVE: Partial<Record<CutoverPhase, ReplicationDirection>> = { replicating: 'forward', 'writes-on-service': 'reverse' };

export interface ResyncResult {
  service: string;
  direction: ReplicationDirection;
  /** The links rebuilt, with the publisher and subscriber each now has (`monolith → core/core-replica-1/neo_storage`). */
  links: Array<{ name: string; route: string }>;
  /** Rows copied per link and table from the slot's snapshot. */
  rows: Array<{ link: string; table: string; rows: number }>;
  /** From the start until the rebuilt links had caught up (before verify). */
  repairMs: number;
  /** The cutover's own verify, run once the links caught up. */
  verify: VerifyReport;
}

/**
 * `resync <service>`: rebuilds the service's active replication links from the side of record,
 * on each cluster's current primary. For after a failover: PostgreSQL 15 keeps logical slots on
 * the primary only, so a promoted publisher has none, and a promoted subscriber may have confirmed
 * less than its publisher's slot believes (asynchronous replicas).
 *
 * The receiving side of a link is never written by the services while the link is active (its
 * write guard refuses them), so it can be rebuilt from the source without losing anything:
 *
 * 1. Drop each link's subscription (detached from its slot first, so a dead publisher is not
 *    needed) and whatever is left of its slot on the publisher's current primary. The copy of
 *    the subscription on an old primary that still runs is disabled first (stale-subscriptions.ts).
 * 2. Create each slot anew with an exported snapshot (snapshot-slot.ts).
 * 3. Per receiving database, in one transaction (readers see the old rows until it commits,
 *    never an empty table): delete the receiving tables' rows and insert the source's rows read
 *    in the slot's snapshot, as replication would (`session_replication_role = replica`).
 * 4. Subscribe to the slots with `copy_data = false`: the slot streams exactly what came after
 *    its snapshot, so every row arrives once.
 * 5. Wait until the subscriptions confirmed the publishers' current position, then verify
 *    (counts and checksums, both sides read at one point).
 *
 * Every run starts again from step 1, so a run that was interrupted anywhere is finished by
 * running it again. Writes on the side of record go on throughout.
 */
export function resyncService(context: CutoverContext, service: string): Promise<ResyncResult> {
  return loggedStep(
    context,
    service,
    'resync',
    () => resync(context, service),
    (result) => ({
      links: result.links.length,
      repairMs: Math.round(result.repairMs),
      ...(result.verify.ok ? {} : { outcome: 'differences' as const, differences: result.verify.differences.length }),
    }),
  );
}

/** The direction whose links run in `phase`, or a refusal that says what to do instead. */
export function activeDirection(service: string, phase: CutoverPhase | undefined): ReplicationDirection {
  refuseAfterFinish(service, phase, 'resync');
  const direction = phase === undefined ? undefined : ACTIVE[phase];
  if (direction) return direction;
  throw new CutoverError(
    'CUTOVER_WRONG_PHASE',
    phase === undefined
      ? `Nothing to resync: ${service} has not been copied, so it has no replication links.`
      : phase === 'copying'
        ? `Not resyncing ${service}: its initial copy has not finished (phase copying). Rerun neo-db copy ${service} first, then neo-db resync ${service} if a link is still broken.`
        : `Not resyncing ${service}: a ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'} was interrupted (phase ${phase}). ` +
          `Finish it first (neo-db ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'} ${service}), then run neo-db resync ${service} if a link is still broken.`,
  );
}

async function resync(context: CutoverContext, service: string): Promise<ResyncResult> {
  const log = logOf(context);
  const timeouts = timeoutsOf(context);
  const started = performance.now();
  const plan = await loadCutoverPlan(context, service);
  const direction = activeDirection(service, await withAdmin(context, plan.monolith, (client) => readPhase(client, service)));
  const links = replicationLinks(plan, direction);
  const route = (link: ReplicationLink) => `${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)}`;
  log(`${service}: rebuilding ${links.map((link) => `${link.name} (${route(link)})`).join(', ')} from the side of record`);

  await enterStep(context, 'resync:drop');
  for (const link of links) {
    for (const node of await disableStaleSubscriptions(context, link))
      log(`${service}: disabled the copy of ${link.name} on ${node}, the old primary, so it cannot take the slot`);
    await dropLink(context, link);
  }

  await enterStep(context, 'resync:slots');
  const slots: SnapshotSlot[] = [];
  const rows: ResyncResult['rows'] = [];
  try {
    for (const link of links) slots.push(await SnapshotSlot.create(context, link.publisher, link.name));
    await enterStep(context, 'resync:copy');
    for (const group of bySubscriber(links)) {
      rows.push(...(await refill(context, plan.monolith.schema, group, slots)));
    }
  } finally {
    await Promise.allSettled(slots.map((slot) => slot.close()));
  }
  for (const entry of rows) log(`${service}: ${entry.link}: ${entry.table} refilled with ${entry.rows} row(s)`);

  await enterStep(context, 'resync:subscribe');
  await createSubscriptions(context, links);
  const waiting = await waitForWorkers(context, links, timeouts.workerStartMs);
  if (waiting.length > 0) {
    throw new CutoverError(
      'CUTOVER_REPLICATION_BROKEN',
      `${service}: the rebuilt subscription(s) ${waiting.join(', ')} have no apply worker after ${timeouts.workerStartMs} ms (the subscriber's server log says why). Run neo-db resync ${service} again once that is fixed.`,
    );
  }
  await enterStep(context, 'resync:catch-up');
  for (const link of links) {
    await withAdmin(context, link.publisher, async (client) =>
      waitForSlotConfirmed(client, link.name, await currentLsn(client), timeouts.catchUpMs, `${link.name} (${route(link)})`),
    );
  }
  const repairMs = performance.now() - started;
  log(`${service}: ${links.length} link(s) rebuilt and caught up in ${repairMs.toFixed(0)} ms; verifying`);

  await enterStep(context, 'resync:verify');
  const verify = await compareSides(context, service);
  log(
    verify.ok
      ? `${service}: verify ok, both sides hold the same rows`
      : `${service}: verify found differences after the resync:\n${verify.differences.map((line) => `  - ${line}`).join('\n')}`,
  );
  return { service, direction, links: links.map((link) => ({ name: link.name, route: route(link) })), rows, repairMs, verify };
}

/** Drops the link's subscription, then what is left of its slot on the publisher (a promoted publisher has none). */
async function dropLink(context: CutoverContext, link: ReplicationLink): Promise<void> {
  const subscriber = await connectAdmin(context, link.subscriber);
  try {
    const publisher = await connectAdmin(context, link.publisher);
    try {
      await dropSubscription(subscriber, publisher, link.name, link.name);
    } finally {
      await publisher.end().catch(() => undefined);
    }
  } finally {
    await subscriber.end().catch(() => undefined);
  }
}

/** Links grouped by the database that receives them: one transaction refills each database. */
function bySubscriber(links: readonly ReplicationLink[]): ReplicationLink[][] {
  const groups = new Map<string, ReplicationLink[]>();
  for (const link of links) {
    const key = nodeKey(link.subscriber);
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  return [...groups.values()];
}

/**
 * Replaces the rows of every table the links deliver to one database with the publishers' rows
 * in each slot's snapshot, in one transaction. A monolith table fed by several shards is emptied
 * once, then filled from each.
 */
async function refill(
  context: CutoverContext,
  monolithSchema: string,
  group: readonly ReplicationLink[],
  slots: readonly SnapshotSlot[],
): Promise<ResyncResult['rows']> {
  const receiving = await connectAdmin(context, group[0]!.subscriber);
  const copied: ResyncResult['rows'] = [];
  try {
    await receiving.query('BEGIN');
    // As replication's apply workers: the write guard and foreign-key triggers do not fire.
    await receiving.query('SET LOCAL session_replication_role = replica');
    const tables = group.map((link) => ({ link, tables: deliveredTables(link, monolithSchema) }));
    for (const name of new Set(tables.flatMap((entry) => entry.tables.map((table) => table.receiving)))) {
      await receiving.query(`DELETE FROM ${name}`);
    }
    for (const { link, tables: delivered } of tables) {
      const slot = slots.find((candidate) => candidate.slot === link.name)!;
      const source = await connectAdmin(context, link.publisher);
      try {
        await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await source.query(`SET TRANSACTION SNAPSHOT '${slot.snapshot}'`);
        for (const table of delivered) {
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

/** What a link delivers: forward, the target's tables from the monolith through its row filter; reverse, the tables a target sends back. */
function deliveredTables(
  link: ReplicationLink,
  monolithSchema: string,
): Array<{ table: string; source: string; receiving: string; filter?: string }> {
  if (link.direction === 'forward') {
    return link.target.tables.map((table) => ({
      table: table.table,
      source: qualified(monolithSchema, table.table),
      receiving: qualified('public', table.table),
      ...(table.filter ? { filter: table.filter } : {}),
    }));
  }
  return link.target.reverseTables.map((table) => ({
    table,
    source: qualified('public', table),
    receiving: qualified(monolithSchema, table),
  }));
}

function nodeKey(node: DataNode): string {
  return `${node.host}:${node.port}/${node.database}`;
}
