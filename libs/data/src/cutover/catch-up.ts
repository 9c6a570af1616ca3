import type pg from 'pg';
import { CutoverError } from './cutover.error.js';

/** The server's current WAL insert position. */
export async function currentLsn(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  return rows[0]!.lsn;
}

/**
 * Makes the publisher flush its WAL now: a walsender only sends what is flushed, and with
 * asynchronous commit the WAL writer may take a while (wal_writer_delay). A transaction that
 * commits synchronously flushes everything before it.
 */
export async function forceWalFlush(publisher: pg.Client): Promise<void> {
  await publisher.query('BEGIN');
  try {
    await publisher.query('SET LOCAL synchronous_commit = on');
    await publisher.query('SELECT txid_current()');
    await publisher.query('COMMIT');
  } catch (error) {
    await publisher.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Waits until the subscriber has confirmed (applied and made durable) everything the
 * publisher wrote up to `lsn`, as the publisher's slot records it.
 */
export async function waitForSlotConfirmed(
  publisher: pg.Client,
  slot: string,
  lsn: string,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await forceWalFlush(publisher);
  for (;;) {
    const { rows } = await publisher.query<{ done: boolean | null }>(
      'SELECT confirmed_flush_lsn >= $2::pg_lsn AS done FROM pg_replication_slots WHERE slot_name = $1',
      [slot, lsn],
    );
    if (rows.length === 0) {
      throw new CutoverError(
        'CUTOVER_REPLICATION_BROKEN',
        `The replication slot ${slot} of ${label} is gone: the subscription cannot catch up. Run neo-db status; recreate it with copy.`,
      );
    }
    if (rows[0]!.done) return;
    if (Date.now() >= deadline) {
      throw new CutoverError(
        'CUTOVER_FENCE_TIMEOUT',
        `${label} did not replay everything up to ${lsn} within ${timeoutMs} ms. Check its lag with neo-db status and retry.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
