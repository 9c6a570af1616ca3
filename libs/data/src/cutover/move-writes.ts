import type pg from 'pg';
import type { DataNode } from '@neo/topology';
import { enterStep, logOf, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { CutoverPlan } from './cutover-plan.js';
import { readPhase, writePhase, type CutoverPhase } from './cutover-state.js';
import type { WriteSide } from './flag-writer.js';
import { loadCutoverPlan } from './load-plan.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { assertLinksHealthy } from './replication-health.js';
import { monolithSide, replicationLinks, serviceSide } from './replication-links.js';
import { advanceSequence, maxOf, sequenceColumns } from './sync-sequences.js';
import { loggedStep } from './step-events.js';
import { compareSides } from './verify.js';
import { switchWrites } from './write-switch.js';
import { readReshardState } from '../resharding/reshard-state.js';

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
  // During a reshard the service's writes may be on shards the cutover's links and guards do not cover.
  const reshard = await withAdmin(context, plan.monolith, (client) => readReshardState(client, service));
  if (reshard && reshard.phase !== 'finished') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to ${what}: ${service} is being resharded (reshard phase ${reshard.phase}). Finish the reshard first (neo-db reshard ${service} finish).`,
    );
  }

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

  const result = await switchWrites(
    context,
    {
      guardKey: service,
      from,
      to,
      oldSide: sides[from],
      newSide: sides[to],
      oldLinks,
      newLinks,
      flagWritesTo: (toNewSide) => context.flags.setWriteSide(service, toNewSide ? to : from),
      advanceSequences: () => advanceSequences(context, plan, to),
      what,
    },
    () => withAdmin(context, plan.monolith, (client) => writePhase(client, service, RESTING[from])),
  );
  const { fencedMs, pausedMs } = result;
  if (fencedMs !== undefined && pausedMs !== undefined) {
    log(
      `${service}: writes paused for ${pausedMs.toFixed(0)} ms at most (the ${from} held them ${fencedMs.toFixed(0)} ms until every running write ended and the ${to} had replayed it, ` +
        `then the ${to} held them until it opened); a redirected write also waits for its instance to see the flag`,
    );
  }
  await withAdmin(context, plan.monolith, (client) => writePhase(client, service, RESTING[to]));
  log(
    `${service}: writes go to the ${to}; the ${from} follows it by logical replication (phase ${RESTING[to]})` +
      (result.notApplyingYet.length > 0
        ? `; not applying yet: ${result.notApplyingYet.join(', ')} (neo-db status shows when they run)`
        : ''),
  );
  return {
    service,
    side: to,
    alreadyThere: false,
    ...(fencedMs !== undefined ? { fencedMs } : {}),
    ...(pausedMs !== undefined ? { pausedMs } : {}),
  };
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
