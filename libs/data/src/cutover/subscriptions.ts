import type pg from 'pg';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * Subscriptions are made in two steps: the slot on the publisher with
 * `pg_create_logical_replication_slot`, then `CREATE SUBSCRIPTION … create_slot = false`.
 * That works whether publisher and subscriber are the same server or not (a subscription
 * creating its slot on its own server hangs), and a rerun after a kill finds each half.
 */

/** Creates the logical slot on the publisher's database unless it exists. */
export async function ensureSlot(publisher: pg.Client, slot: string): Promise<void> {
  await publisher.query(
    `SELECT pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
    [slot],
  );
}

export async function subscriptionExists(subscriber: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await subscriber.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
  return Boolean(rowCount);
}

export interface SubscriptionOptions {
  name: string;
  /** From `subscriptionConninfo`: holds a password, never log it. */
  conninfo: string;
  publication: string;
  slot: string;
  /** Copy the published rows first (the initial copy), or only stream changes from now on. */
  copyData: boolean;
}

/** Creates the subscription unless it exists. */
export async function ensureSubscription(subscriber: pg.Client, options: SubscriptionOptions): Promise<boolean> {
  if (await subscriptionExists(subscriber, options.name)) return false;
  // synchronous_commit = on: the subscriber confirms a position only once it is durable, and
  // confirms it at once, so "caught up" is seen without waiting for the next status round.
  await subscriber.query(
    `CREATE SUBSCRIPTION ${quoteIdent(options.name)} CONNECTION ${quoteLiteral(options.conninfo)} PUBLICATION ${quoteIdent(options.publication)}
     WITH (create_slot = false, slot_name = ${quoteLiteral(options.slot)}, copy_data = ${options.copyData}, synchronous_commit = 'on', enabled = true)`,
  );
  return true;
}

/**
 * Drops the subscription and then its slot on the publisher. The subscription is first
 * detached from its slot, so dropping it never needs the publisher; the slot is dropped
 * afterwards (ending its walsender if it is still attached).
 */
export async function dropSubscription(subscriber: pg.Client, publisher: pg.Client, name: string, slot: string): Promise<void> {
  if (await subscriptionExists(subscriber, name)) {
    await subscriber.query(`ALTER SUBSCRIPTION ${quoteIdent(name)} DISABLE`);
    await subscriber.query(`ALTER SUBSCRIPTION ${quoteIdent(name)} SET (slot_name = NONE)`);
    await subscriber.query(`DROP SUBSCRIPTION ${quoteIdent(name)}`);
  }
  await dropSlot(publisher, slot);
}

export async function dropSlot(publisher: pg.Client, slot: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await publisher.query<{ active_pid: number | null }>(
      'SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    if (rows.length === 0) return;
    if (rows[0]!.active_pid !== null) await publisher.query('SELECT pg_terminate_backend($1)', [rows[0]!.active_pid]);
    try {
      await publisher.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    } catch (error) {
      // The walsender may still hold the slot for a moment after being told to end.
      if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
