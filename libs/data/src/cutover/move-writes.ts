import type pg from 'pg';
import type { DataNode } from '@neo/topology';
import { connectAdmin, enterStep, logOf, subscriptionConninfo, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { CutoverPlan } from './cutover-plan.js';
import { readPhase, writePhase, type CutoverPhase } from './cutover-state.js';
import { waitForSlotConfirmed } from './catch-up.js';
import type { WriteSide } from './flag-writer.js';
import { loadCutoverPlan } from './load-plan.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { assertLinksHealthy, inspectLink } from './replication-health.js';
import { monolithSide, replicationLinks, serviceSide, type ReplicationLink, type SideDatabase } from './replication-links.js';
import { advanceSequence, maxOf, sequenceColumns } from './sync-sequences.js';
import { dropSubscription, ensureSlot, ensureSubscription } from './subscriptions.js';
import { loggedStep } from './step-events.js';
import { compareSides } from './verify.js';
import { WriteFence } from './write-fence.js';
import { readGuard, setGuard, type GuardSide } from './write-guard.js';

/** The phase in which writes rest on a side, and the phase of moving them there. */
const RESTING: Record<WriteSide, CutoverPhase> = { monolith: 'replicating', service: 'writes-on-service' };
const MOVING: Record<WriteSide, CutoverPhase> = { monolith: 'rolling-back', service: 'switching-writes' };

export interface MoveWritesResult {
  service: string;
  side: WriteSide;
  /** True when writes were already there (nothing changed). */
  alreadyThere: boolean;
  /**
   * How long the old side held writes back: from asking for the fence until the old side
   * refused writes (absent when resuming past the fence or already there).
   */
  fencedMs?: number;
  /**
   * The longest pause a writer saw inside the databases: from asking for the fence until the
   * new side took writes. A write that arrived as the fence went up waited this long (plus the
   * time its instance took to see the flag, when it was redirected).
   */
  pausedMs?: number;
}

/**
 * Moves a service's writes to `to` (`service`: switch-writes; `monolith`: the writes half of
 * rollback) without losing or doubling any write:
 *
 * 1. Refuse unless replication towards `to` is healthy (and, towards the service, verify passes).
 * 2. The new side's guard goes to `switching`: a write that reaches it early waits there.
 * 3. Fence the old side (write-fence.ts): writes queue, running ones finish; read its WAL position.
 * 4. Wait until every subscription on the new side has confirmed that position.
 * 5. Flip the write flag, and in the fence's own transactions point the old side's guard to
 *    `to`, then commit: from this commit on the old side refuses writes (queued ones are
 *    redirected, SQLSTATE NC001). This is the point of no return, recorded by the guard itself.
 * 6. Advance the new side's sequences and create the reverse direction's slots (from here on
 *    every write on the new side is kept for the old side), then open the new side's guard:
 *    waiting writes go ahead. Writers wait only for steps 3–6.
 * 7. Drop the old direction's subscriptions, then create the reverse ones (`copy_data = false`:
 *    both sides were equal when the slots were made; never both directions at once, so no
 *    change loops), and wait for their apply workers to start.
 *
 * A failure before step 5 lifts the fence and puts everything back (writes stay where they
 * were). After step 5 a rerun finishes steps 6 and 7 (each step checks what exists). A write
 * waits at most fenceLockMs + catchUpMs on the old side and guardWaitMs on the new one.
 */
export function moveWrites(context: CutoverContext, service: string, to: WriteSide): Promise<MoveWritesResult> {
  return loggedStep(
    context,
    service,
    to === 'service' ? 'switch-writes' : 'rollback',
    () => shiftWrites(context, service, to),
    writeStepDetails,
  );
}

/** What a step that moves writes adds to its event: where writes went, and how long writers waited. */
export function writeStepDetails(result: MoveWritesResult): { outcome?: 'nothing-to-do' } & Record<string, unknown> {
  return {
    to: result.side,
    ...(result.alreadyThere ? { outcome: 'nothing-to-do' as const } : {}),
    ...(result.pausedMs !== undefined ? { writePauseMs: Math.round(result.pausedMs) } : {}),
    ...(result.fencedMs !== undefined ? { fencedMs: Math.round(result.fencedMs) } : {}),
  };
}

/** `moveWrites` without its step event: for rollback, which moves writes as part of its own step. */
export async function shiftWrites(context: CutoverContext, service: string, to: WriteSide): Promise<MoveWritesResult> {
  const log = logOf(context);
  const from: WriteSide = to === 'service' ? 'monolith' : 'service';
  const plan = await loadCutoverPlan(context, service);
  const phase = await withAdmin(context, plan.monolith, (client) => readPhase(client, service));
  const what = to === 'service' ? 'switch writes to the service' : 'move writes back to the monolith';
  refuseAfterFinish(service, phase, to === 'service' ? 'switch-writes' : 'rollback');

  if (phase === RESTING[to]) {
    await context.flags.setWriteSide(service, to);
    log(`${service}: writes already go to the ${to}; nothing to do`);
    return { service, side: to, alreadyThere: true };
  }
  if (phase === undefined || phase === 'copying') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to ${what}: ${service} ${phase ? 'is still copying' : 'has not been copied'}. Run: neo-db copy ${service}`,
    );
  }
  if (phase === MOVING[from]) {
    log(`${service}: an interrupted ${from === 'service' ? 'switch-writes' : 'rollback'} is finished first`);
    await shiftWrites(context, service, from);
    return shiftWrites(context, service, to);
  }
  const sides = { monolith: monolithSide(plan), service: serviceSide(plan) };
  const oldLinks = replicationLinks(plan, from === 'monolith' ? 'forward' : 'reverse');
  const newLinks = replicationLinks(plan, to === 'monolith' ? 'forward' : 'reverse');
  const timeouts = timeoutsOf(context);

  if (phase === RESTING[from]) {
    await assertLinksHealthy(context, oldLinks, timeouts.workerStartMs, what);
    if (to === 'service') {
      await enterStep(context, 'switch:verify');
      const report = await compareSides(context, service);
      if (!report.ok) {
        throw new CutoverError(
          'CUTOVER_VERIFY_FAILED',
          `Refusing to ${what}: verify found differences between the monolith and the service:\n${report.differences.map((line) => `  - ${line}`).join('\n')}\nFind out why (neo-db status), then retry.`,
        );
      }
    }
    await withAdmin(context, plan.monolith, (client) => writePhase(client, service, MOVING[to]));
  }

  let fence: WriteFence | undefined;
  let fencedMs: number | undefined;
  const oldGuards = await readGuards(context, sides[from], service);
  if (!oldGuards.every((side) => side === to)) {
    await assertLinksHealthy(context, oldLinks, timeouts.workerStartMs, what);
    await enterStep(context, 'switch:hold-new-side');
    await setGuards(context, sides[to], service, 'switching');
    await enterStep(context, 'switch:fence');
    fence = await WriteFence.raise(context, service, sides[from], {
      lockTimeoutMs: timeouts.fenceLockMs,
      maxHoldMs: timeouts.fenceLockMs + timeouts.catchUpMs + 30_000,
    }).catch(async (error: unknown) => {
      await restore(context, plan, sides[to], from);
      throw error;
    });
    let committing = false;
    try {
      await enterStep(context, 'switch:catch-up');
      await Promise.all(oldLinks.map((link) => waitCaughtUp(context, link, fence!, timeouts.catchUpMs)));
      await context.flags.setWriteSide(service, to);
      await enterStep(context, 'switch:commit');
      committing = true;
      await fence.commit((client) => setGuard(client, service, to));
      fencedMs = performance.now() - fence.raisedAt;
    } catch (error) {
      if (committing) throw error;
      await fence.release();
      await restore(context, plan, sides[to], from);
      throw error;
    }
  }

  await enterStep(context, 'switch:sequences');
  await advanceSequences(context, plan, to);
  await enterStep(context, 'switch:start-new-replication');
  await Promise.all(newLinks.map((link) => withAdmin(context, link.publisher, (client) => ensureSlot(client, link.name))));
  await enterStep(context, 'switch:open-new-side');
  await setGuards(context, sides[to], service, to);
  const pausedMs = fence ? performance.now() - fence.raisedAt : undefined;
  await context.flags.setWriteSide(service, to);
  if (fencedMs !== undefined && pausedMs !== undefined) {
    log(
      `${service}: writes paused for ${pausedMs.toFixed(0)} ms at most (the ${from} held them ${fencedMs.toFixed(0)} ms until every running write ended and the ${to} had replayed it, ` +
        `then the ${to} held them until it opened); a redirected write also waits for its instance to see the flag`,
    );
  }

  await enterStep(context, 'switch:drop-old-replication');
  for (const link of oldLinks) await dropLink(context, link);
  await enterStep(context, 'switch:subscribe');
  await createSubscriptions(context, newLinks);
  await withAdmin(context, plan.monolith, (client) => writePhase(client, service, RESTING[to]));
  await enterStep(context, 'switch:wait-for-workers');
  const waiting = await waitForWorkers(context, newLinks, timeouts.workerStartMs);
  log(
    `${service}: writes go to the ${to}; the ${from} follows it by logical replication (phase ${RESTING[to]})` +
      (waiting.length > 0 ? `; not applying yet: ${waiting.join(', ')} (neo-db status shows when they run)` : ''),
  );
  return {
    service,
    side: to,
    alreadyThere: false,
    ...(fencedMs !== undefined ? { fencedMs } : {}),
    ...(pausedMs !== undefined ? { pausedMs } : {}),
  };
}

/**
 * Creates the subscriptions of `links`, all those of one subscriber database in one
 * transaction: PostgreSQL's launcher starts the apply workers of one commit together, while a
 * subscription committed after another waits `wal_retrieve_retry_interval` (5 s) for its worker.
 * Every link streams from its slot only (`copy_data = false`): the slots exist already.
 */
export async function createSubscriptions(context: CutoverContext, links: readonly ReplicationLink[]): Promise<void> {
  const bySubscriber = new Map<string, ReplicationLink[]>();
  for (const link of links) {
    const key = nodeKey(link.subscriber);
    bySubscriber.set(key, [...(bySubscriber.get(key) ?? []), link]);
  }
  for (const group of bySubscriber.values()) {
    await withAdmin(context, group[0]!.subscriber, async (client) => {
      await client.query('BEGIN');
      try {
        for (const link of group) {
          await ensureSubscription(client, {
            name: link.name,
            conninfo: subscriptionConninfo(context, link.publisher),
            publication: link.name,
            slot: link.name,
            copyData: false,
          });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}

/** Waits (at most `timeoutMs`) until every link has its apply worker; returns the names of those still without. */
export async function waitForWorkers(context: CutoverContext, links: readonly ReplicationLink[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await Promise.all(links.map((link) => inspectLink(context, link)));
    const waiting = health.filter((entry) => !entry.workerRunning).map((entry) => entry.name);
    if (waiting.length === 0 || Date.now() >= deadline) return waiting;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Undoes steps 2–5 before the point of no return: writes stay on `from`. */
async function restore(context: CutoverContext, plan: CutoverPlan, newSide: readonly SideDatabase[], from: WriteSide): Promise<void> {
  await setGuards(context, newSide, plan.service, from).catch(() => undefined);
  await context.flags.setWriteSide(plan.service, from).catch(() => undefined);
  await withAdmin(context, plan.monolith, (client) => writePhase(client, plan.service, RESTING[from])).catch(() => undefined);
}

async function readGuards(context: CutoverContext, side: readonly SideDatabase[], service: string): Promise<Array<GuardSide | undefined>> {
  return Promise.all(side.map((database) => withAdmin(context, database.node, (client) => readGuard(client, service))));
}

async function setGuards(context: CutoverContext, side: readonly SideDatabase[], service: string, value: GuardSide): Promise<void> {
  await Promise.all(side.map((database) => withAdmin(context, database.node, (client) => setGuard(client, service, value))));
}

function nodeKey(node: DataNode): string {
  return `${node.host}:${node.port}/${node.database}`;
}

async function waitCaughtUp(context: CutoverContext, link: ReplicationLink, fence: WriteFence, timeoutMs: number): Promise<void> {
  const index = fence.databases.findIndex((database) => nodeKey(database.node) === nodeKey(link.publisher));
  await withAdmin(context, link.publisher, (client) => waitForSlotConfirmed(client, link.name, fence.lsns[index]!, timeoutMs, link.name));
}

async function dropLink(context: CutoverContext, link: ReplicationLink): Promise<void> {
  const subscriber = await connectAdmin(context, link.subscriber);
  const publisher = await connectAdmin(context, link.publisher);
  try {
    await dropSubscription(subscriber, publisher, link.name, link.name);
  } finally {
    await Promise.allSettled([subscriber.end(), publisher.end()]);
  }
}

/** Every sequence-backed column on the side taking writes moves past the largest value on the other side. */
async function advanceSequences(context: CutoverContext, plan: CutoverPlan, to: WriteSide): Promise<void> {
  const withClient = <T>(node: DataNode, work: (client: pg.Client) => Promise<T>) => withAdmin(context, node, work);
  if (to === 'service') {
    // Writers wait while this runs: the targets in parallel.
    await Promise.all(
      plan.targets.map((target) =>
        withClient(target.node, async (client) => {
          for (const table of target.tables) {
            for (const { column, sequence } of await sequenceColumns(client, 'public', table.table)) {
              const max = await withClient(plan.monolith, (monolith) => maxOf(monolith, plan.monolith.schema, table.table, column));
              if (max !== null) await advanceSequence(client, sequence, max);
            }
          }
        }),
      ),
    );
    return;
  }
  await withClient(plan.monolith, async (monolith) => {
    for (const table of plan.tables) {
      for (const { column, sequence } of await sequenceColumns(monolith, plan.monolith.schema, table.table)) {
        for (const target of plan.targets.filter((candidate) => candidate.tables.some((entry) => entry.table === table.table))) {
          const max = await withClient(target.node, (client) => maxOf(client, 'public', table.table, column));
          if (max !== null) await advanceSequence(monolith, sequence, max);
        }
      }
    }
  });
}
