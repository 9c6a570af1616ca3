import type pg from 'pg';
import { dataNodeLabel } from '@neo/topology';
import { connectAdmin, enterStep, logOf, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { currentLsn, waitForSlotConfirmed } from './catch-up.js';
import { CutoverError } from './cutover.error.js';
import type { CutoverPlan } from './cutover-plan.js';
import { ensureStateTable, readPhase, readWritesMoved, writePhase, type CutoverPhase, type WritesMoved } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { dropPublication } from './publications.js';
import { dropAliasSchemaIfEmpty, removeReplicationAlias } from './replication-alias.js';
import { replicationLinks, type ReplicationLink } from './replication-links.js';
import { replicationName } from './replication-names.js';
import { checkRetention, DEFAULT_REVERSE_RETENTION_DAYS } from './reverse-retention.js';
import { loggedStep } from './step-events.js';
import { dropSubscription, subscriptionExists } from './subscriptions.js';
import { removeGuard, unguardTable } from './write-guard.js';

export interface FinishOptions {
  /** Finish although the retention of the reverse replication is not over (rollback is then no longer possible). */
  force?: boolean;
  /** How many days after writes moved to the service finish is allowed (default 30). */
  retentionDays?: number;
}

export interface FinishResult {
  service: string;
  /** True when the cutover was finished already (nothing changed). */
  alreadyFinished: boolean;
  /** True when `force` ended the reverse replication before its retention was over. */
  forced: boolean;
  /** When writes moved to the service (absent when a finish that was interrupted is completed, or nothing was done). */
  writesMovedAt?: Date;
  /** What was removed, in words (subscriptions, slots, publications, aliases, guard triggers), never a password. */
  removed: string[];
}

/**
 * `finish <service>`: ends the move out of the monolith. After switch-writes the monolith follows
 * the service by reverse replication so that rollback stays possible; once the retention is over
 * (30 days unless told otherwise, or earlier with `force`) finish removes everything that links
 * the two sides:
 *
 * 1. Let the monolith replay the service's last writes (bounded, best effort: its copy of the
 *    tables is then as recent as possible when it stops following).
 * 2. Drop the subscriptions of both directions with their slots, then the publications on both sides.
 * 3. Detach each real table from its replication alias in the service's databases and drop the
 *    alias (and its schema once empty): the service's tables and rows stay as they are.
 * 4. Take the write guard off the service's tables: writes there no longer take the fence lock.
 *    The monolith's guard stays and keeps refusing writes to its copy.
 * 5. Flags at writes → service, reads 100 %; phase `finished`.
 *
 * The phase is `finishing` from step 1 on, and every step checks what exists first, so a finish
 * interrupted anywhere is completed by running it again (without the retention check: it was
 * passed or forced already). Steps that need replication refuse from then on (refuse-after-finish.ts).
 */
export function finishService(context: CutoverContext, service: string, options: FinishOptions = {}): Promise<FinishResult> {
  return loggedStep(
    context,
    service,
    'finish',
    () => finish(context, service, options),
    (result) => ({
      ...(result.alreadyFinished ? { outcome: 'nothing-to-do' as const } : {}),
      forced: result.forced,
      removed: result.removed.length,
    }),
  );
}

async function finish(context: CutoverContext, service: string, options: FinishOptions): Promise<FinishResult> {
  const log = logOf(context);
  const retentionDays = options.retentionDays ?? DEFAULT_REVERSE_RETENTION_DAYS;
  const plan = await loadCutoverPlan(context, service);
  const { phase, moved } = await withAdmin(context, plan.monolith, async (client) => {
    const current = await readPhase(client, service);
    if (current === undefined) return { phase: current, moved: undefined };
    // A state table from an older release gets its writes_moved_at column (empty: counted from updated_at).
    await ensureStateTable(client);
    return { phase: current, moved: await readWritesMoved(client, service) };
  });
  if (phase === 'finished') {
    log(`${service}: the cutover is finished already; nothing to do`);
    return { service, alreadyFinished: true, forced: false, removed: [] };
  }
  if (phase !== 'writes-on-service' && phase !== 'finishing') throw wrongPhase(service, phase, retentionDays);

  let forced = false;
  if (phase === 'writes-on-service') {
    forced = passRetention(service, moved, retentionDays, options.force ?? false, log);
    await withAdmin(context, plan.monolith, (client) => writePhase(client, service, 'finishing'));
  } else {
    log(`${service}: completing an interrupted finish`);
  }

  const removed: string[] = [];
  // Said as it happens: an interrupted run shows how far it got.
  const noteRemoved = (lines: readonly string[]) => {
    for (const line of lines) log(`${service}: removed ${line}`);
    removed.push(...lines);
  };
  await enterStep(context, 'finish:catch-up');
  await letMonolithCatchUp(context, replicationLinks(plan, 'reverse'));

  await enterStep(context, 'finish:drop-replication');
  for (const link of [...replicationLinks(plan, 'reverse'), ...replicationLinks(plan, 'forward')]) {
    noteRemoved(await dropLinkIfPresent(context, link));
  }

  await enterStep(context, 'finish:drop-publications');
  for (const target of plan.targets) {
    const names = [replicationName('forward', target.objectName), replicationName('reverse', target.objectName)];
    for (const node of [plan.monolith, target.node]) {
      noteRemoved(await withAdmin(context, node, (client) => dropPublications(client, names, dataNodeLabel(node))));
    }
  }

  await enterStep(context, 'finish:drop-aliases');
  if (plan.monolith.schema !== 'public') {
    const aliasSchema = plan.monolith.schema;
    for (const target of plan.targets) {
      const where = dataNodeLabel(target.node);
      await withAdmin(context, target.node, async (client) => {
        for (const { table } of target.tables) {
          if (await removeReplicationAlias(client, aliasSchema, table))
            noteRemoved([`replication alias ${aliasSchema}.${table} on ${where} (public.${table} kept)`]);
        }
        if (await dropAliasSchemaIfEmpty(client, aliasSchema)) noteRemoved([`schema ${aliasSchema} on ${where}`]);
      });
    }
  }

  await enterStep(context, 'finish:drop-service-guards');
  for (const target of plan.targets) {
    await withAdmin(context, target.node, async (client) => {
      for (const { table } of target.tables) {
        if (await unguardTable(client, 'public', table)) noteRemoved([`write guard on public.${table} on ${dataNodeLabel(target.node)}`]);
      }
      await removeGuard(client, service);
    });
  }

  await enterStep(context, 'finish:flags');
  await context.flags.setWriteSide(service, 'service');
  await context.flags.setReadPercent(service, 100);
  await withAdmin(context, plan.monolith, (client) => writePhase(client, service, 'finished'));
  log(afterword(plan));
  return {
    service,
    alreadyFinished: false,
    forced,
    ...(moved && phase === 'writes-on-service' ? { writesMovedAt: moved.at } : {}),
    removed,
  };
}

/**
 * Refuses while the monolith has followed the service for less than `retentionDays`, unless
 * `force`; returns whether the retention was cut short.
 */
function passRetention(
  service: string,
  moved: WritesMoved | undefined,
  retentionDays: number,
  force: boolean,
  log: (line: string) => void,
): boolean {
  if (!moved) throw wrongPhase(service, undefined, retentionDays);
  const retention = checkRetention(moved.ageMs, retentionDays);
  const since =
    `writes moved to the service ${retention.elapsedDays.toFixed(1)} day(s) ago ` +
    `(${moved.at.toISOString()}${moved.recorded ? '' : ', the last change of its cutover state'})`;
  if (!retention.over && !force) {
    throw new CutoverError(
      'CUTOVER_TOO_EARLY',
      `Refusing to finish ${service}: ${since}, and the monolith follows it for ${retentionDays} day(s) so that neo-db rollback ${service} stays possible: ` +
        `${retention.daysLeft} day(s) left. Run neo-db finish ${service} again then, or now with --force (rollback is then no longer possible).`,
    );
  }
  log(
    `${service}: ${since}; ` +
      (retention.over
        ? 'the retention is over'
        : `finishing ${retention.daysLeft} day(s) before the ${retentionDays}-day retention (--force)`),
  );
  return !retention.over;
}

/** What finish leaves behind on the monolith, and what the operator may do with it. */
function afterword(plan: CutoverPlan): string {
  const schema = plan.monolith.schema;
  return (
    `${plan.service}: finished; it lives in its own databases only and nothing replicates to or from the monolith. ` +
    `The monolith keeps its last copy of the service's tables (${dataNodeLabel(plan.monolith)}, schema ${schema}; its write guard refuses writes there): ` +
    `drop it when nobody needs it any more (DROP SCHEMA ${schema} CASCADE).`
  );
}

function wrongPhase(service: string, phase: CutoverPhase | undefined, retentionDays: number): CutoverError {
  const then = `then neo-db finish ${service} once the monolith has followed it for ${retentionDays} day(s)`;
  const why =
    phase === undefined
      ? `it has not been copied (it runs on the monolith only). Start with neo-db copy ${service}`
      : phase === 'copying'
        ? `its initial copy has not finished (phase copying). Run neo-db copy ${service}, neo-db switch-writes ${service}, ${then}`
        : phase === 'replicating'
          ? `its writes go to the monolith (phase replicating). Move them first with neo-db switch-writes ${service}, ${then}`
          : phase === 'switching-writes'
            ? `a switch-writes was interrupted (phase switching-writes). Complete it with neo-db switch-writes ${service}, ${then}`
            : `a rollback was interrupted (phase ${phase}): writes are going back to the monolith. Complete it with neo-db rollback ${service}`;
  return new CutoverError('CUTOVER_WRONG_PHASE', `Refusing to finish ${service}: ${why}.`);
}

/**
 * Waits (at most catchUpMs per link) until the monolith has replayed everything the service wrote,
 * so the copy it keeps is as recent as possible. Best effort: a link that is broken or slow is
 * said so and finish goes on (it ends that link anyway).
 */
async function letMonolithCatchUp(context: CutoverContext, links: readonly ReplicationLink[]): Promise<void> {
  const { catchUpMs } = timeoutsOf(context);
  for (const link of links) {
    const subscribed = await withAdmin(context, link.subscriber, (client) => subscriptionExists(client, link.name));
    if (!subscribed) continue;
    const label = `${link.name} (${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)})`;
    try {
      await withAdmin(context, link.publisher, async (client) =>
        waitForSlotConfirmed(client, link.name, await currentLsn(client), catchUpMs, label),
      );
    } catch (error) {
      logOf(context)(
        `The monolith's copy may lack the service's last writes: ${label} did not catch up (${(error as Error).message}); finish goes on.`,
      );
    }
  }
}

/** Drops the link's subscription and slot where they exist; says what it dropped. */
async function dropLinkIfPresent(context: CutoverContext, link: ReplicationLink): Promise<string[]> {
  const subscriber = await connectAdmin(context, link.subscriber);
  try {
    const publisher = await connectAdmin(context, link.publisher);
    try {
      const hadSubscription = await subscriptionExists(subscriber, link.name);
      const { rowCount } = await publisher.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [link.name]);
      await dropSubscription(subscriber, publisher, link.name, link.name);
      return [
        ...(hadSubscription ? [`subscription ${link.name} on ${dataNodeLabel(link.subscriber)}`] : []),
        ...(rowCount ? [`replication slot ${link.name} on ${dataNodeLabel(link.publisher)}`] : []),
      ];
    } finally {
      await publisher.end().catch(() => undefined);
    }
  } finally {
    await subscriber.end().catch(() => undefined);
  }
}

async function dropPublications(client: pg.Client, names: readonly string[], where: string): Promise<string[]> {
  const { rows } = await client.query<{ pubname: string }>('SELECT pubname FROM pg_publication WHERE pubname = ANY($1)', [names]);
  for (const { pubname } of rows) await dropPublication(client, pubname);
  return rows.map((row) => `publication ${row.pubname} on ${where}`);
}
