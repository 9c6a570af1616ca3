import { dataNodeLabel, type DataNode } from '@neo/topology';
import { connectAdmin, enterStep, subscriptionConninfo, timeoutsOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { waitForSlotConfirmed } from './catch-up.js';
import { assertLinksHealthy, inspectLink } from './replication-health.js';
import type { ReplicationChannel, SideDatabase } from './replication-links.js';
import { dropSubscription, ensureSlot, ensureSubscription } from './subscriptions.js';
import { WriteFence } from './write-fence.js';
import { readGuard, setGuard, type GuardSide } from './write-guard.js';

/**
 * One move of a service's writes from one set of databases to another, as the write guard and
 * the fence see it: a cutover (monolith ↔ the service's databases) or a reshard (one shard
 * layout ↔ the other). The algorithm is the same for both (see `switchWrites`).
 */
export interface WriteSwitch {
  /** The guard row and fence lock this move uses: the service's name, or its layout key in a reshard. */
  guardKey: string;
  /** What the old side's and the new side's guard values are. */
  from: GuardSide;
  to: GuardSide;
  /** The databases taking writes now, and those taking them after the switch. */
  oldSide: readonly SideDatabase[];
  newSide: readonly SideDatabase[];
  /** Replication old → new (running now) and new → old (made by the switch). */
  oldLinks: readonly ReplicationChannel[];
  newLinks: readonly ReplicationChannel[];
  /** Points the write flag at `to` (true) or back at `from` (false). */
  flagWritesTo(toNewSide: boolean): Promise<void>;
  /** Moves the new side's sequences past the old side's largest values; writers wait while it runs. */
  advanceSequences(): Promise<void>;
  /** What the command is doing, for messages: e.g. "switch writes to the service". */
  what: string;
}

export interface WriteSwitchResult {
  /** From asking for the fence until the old side refused writes (absent when resuming past the fence). */
  fencedMs?: number;
  /** From asking for the fence until the new side took writes: the longest pause a writer saw. */
  pausedMs?: number;
  /** New links whose apply worker was not running yet when the switch returned. */
  notApplyingYet: string[];
}

/**
 * Moves writes without losing or doubling any (the steps are explained in cutover/README.md):
 * hold the new side (`switching`), fence the old side, wait until the new side replayed the
 * fence's WAL position, flip the flag, point the old side's guard at the new side inside the
 * fence transactions and commit (the point of no return), advance sequences, create the
 * reverse slots, open the new side, drop the old links, create the reverse subscriptions.
 *
 * `onUndo` runs when a failure before the point of no return puts writes back on the old side
 * (after the new side's guard and the flag were put back). After the point of no return a rerun
 * finishes the remaining steps: each checks what exists, and the old side's guards show the
 * fence was already committed.
 */
export async function switchWrites(
  context: CutoverContext,
  move: WriteSwitch,
  onUndo: () => Promise<void> = async () => undefined,
): Promise<WriteSwitchResult> {
  const timeouts = timeoutsOf(context);
  let fence: WriteFence | undefined;
  let fencedMs: number | undefined;
  const undo = async () => {
    await setGuards(context, move.newSide, move.guardKey, move.from).catch(() => undefined);
    await move.flagWritesTo(false).catch(() => undefined);
    await onUndo().catch(() => undefined);
  };
  const oldGuards = await readGuards(context, move.oldSide, move.guardKey);
  if (!oldGuards.every((side) => side === move.to)) {
    await assertLinksHealthy(context, move.oldLinks, timeouts.workerStartMs, move.what);
    await enterStep(context, 'switch:hold-new-side');
    await setGuards(context, move.newSide, move.guardKey, 'switching');
    await enterStep(context, 'switch:fence');
    fence = await WriteFence.raise(context, move.guardKey, move.oldSide, {
      lockTimeoutMs: timeouts.fenceLockMs,
      maxHoldMs: timeouts.fenceLockMs + timeouts.catchUpMs + 30_000,
    }).catch(async (error: unknown) => {
      await undo();
      throw error;
    });
    let committing = false;
    try {
      await enterStep(context, 'switch:catch-up');
      await Promise.all(move.oldLinks.map((link) => waitChannelCaughtUp(context, link, fence!, timeouts.catchUpMs)));
      await move.flagWritesTo(true);
      await enterStep(context, 'switch:commit');
      committing = true;
      await fence.commit((client) => setGuard(client, move.guardKey, move.to));
      fencedMs = performance.now() - fence.raisedAt;
    } catch (error) {
      if (committing) throw error;
      await fence.release();
      await undo();
      throw error;
    }
  }

  await enterStep(context, 'switch:sequences');
  await move.advanceSequences();
  await enterStep(context, 'switch:start-new-replication');
  await Promise.all(move.newLinks.map((link) => withAdmin(context, link.publisher, (client) => ensureSlot(client, link.name))));
  await enterStep(context, 'switch:open-new-side');
  await setGuards(context, move.newSide, move.guardKey, move.to);
  const pausedMs = fence ? performance.now() - fence.raisedAt : undefined;
  await move.flagWritesTo(true);

  await enterStep(context, 'switch:drop-old-replication');
  for (const link of move.oldLinks) await dropChannel(context, link);
  await enterStep(context, 'switch:subscribe');
  await createSubscriptions(context, move.newLinks);
  await enterStep(context, 'switch:wait-for-workers');
  const notApplyingYet = await waitForWorkers(context, move.newLinks, timeouts.workerStartMs);
  return {
    ...(fencedMs !== undefined ? { fencedMs } : {}),
    ...(pausedMs !== undefined ? { pausedMs } : {}),
    notApplyingYet,
  };
}

/**
 * Creates the subscriptions of `links`, all those of one subscriber database in one
 * transaction: PostgreSQL's launcher starts the apply workers of one commit together, while a
 * subscription committed after another waits `wal_retrieve_retry_interval` (5 s) for its worker.
 * Every link streams from its slot only (`copy_data = false`): the slots exist already.
 */
export async function createSubscriptions(context: CutoverContext, links: readonly ReplicationChannel[]): Promise<void> {
  const bySubscriber = new Map<string, ReplicationChannel[]>();
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

/**
 * Starts `link` with an initial copy: its slot on the publisher, then its subscription
 * (`copy_data = true`) on the subscriber. True when the subscription was made now (not by an
 * earlier run).
 */
export async function startWithInitialCopy(context: CutoverContext, link: ReplicationChannel): Promise<boolean> {
  await withAdmin(context, link.publisher, (client) => ensureSlot(client, link.name));
  return withAdmin(context, link.subscriber, (client) =>
    ensureSubscription(client, {
      name: link.name,
      conninfo: subscriptionConninfo(context, link.publisher),
      publication: link.name,
      slot: link.name,
      copyData: true,
    }),
  );
}

/** Waits (at most `timeoutMs`) until every link has its apply worker; returns the names of those still without. */
export async function waitForWorkers(context: CutoverContext, links: readonly ReplicationChannel[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await Promise.all(links.map((link) => inspectLink(context, link)));
    const waiting = health.filter((entry) => !entry.workerRunning).map((entry) => entry.name);
    if (waiting.length === 0 || Date.now() >= deadline) return waiting;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `link`'s subscriber confirmed the WAL position the fence read on its publisher. */
export async function waitChannelCaughtUp(
  context: CutoverContext,
  link: ReplicationChannel,
  fence: WriteFence,
  timeoutMs: number,
): Promise<void> {
  const index = fence.databases.findIndex((database) => nodeKey(database.node) === nodeKey(link.publisher));
  const lsn = fence.lsns[index]!;
  await withAdmin(context, link.publisher, (client) =>
    waitForSlotConfirmed(client, link.name, lsn, timeoutMs, `${link.name} (${dataNodeLabel(link.subscriber)})`),
  );
}

/** Drops a subscription (detached from its slot first) and what is left of its slot on the publisher. */
export async function dropChannel(context: CutoverContext, link: ReplicationChannel): Promise<void> {
  const subscriber = await connectAdmin(context, link.subscriber);
  try {
    const publisher = await connectAdmin(context, link.publisher);
    try {
      await dropSubscription(subscriber, publisher, link.name, link.name);
    } finally {
      await publisher.end().catch(() => undefined);
    }
  } finally {
    // Also when the publisher cannot be reached.
    await subscriber.end().catch(() => undefined);
  }
}

export async function readGuards(
  context: CutoverContext,
  side: readonly SideDatabase[],
  guardKey: string,
): Promise<Array<GuardSide | undefined>> {
  return Promise.all(side.map((database) => withAdmin(context, database.node, (client) => readGuard(client, guardKey))));
}

export async function setGuards(context: CutoverContext, side: readonly SideDatabase[], guardKey: string, value: GuardSide): Promise<void> {
  await Promise.all(side.map((database) => withAdmin(context, database.node, (client) => setGuard(client, guardKey, value))));
}

/** Server address and database: one key per database, whatever login reaches it. */
export function nodeKey(node: DataNode): string {
  return `${node.host}:${node.port}/${node.database}`;
}
