import type { SqlRunner } from './sql-runner.js';

/**
 * SQLSTATEs of a CREATE TABLE that lost a race to another session making the same table:
 * duplicate_table, and a unique violation in the catalog (pg_type, pg_class).
 */
const LOST_RACE: ReadonlySet<string> = new Set(['42P07', '23505']);

/**
 * Runs a `CREATE TABLE … PARTITION OF …` that another session may be running for the same
 * partition at the same moment (a second instance's keeper, the cutover's copy of the layout).
 * `IF NOT EXISTS` looks before it locks, so the loser of such a race still fails although the
 * partition now exists; that is success here. Returns false when another session made it.
 */
export async function createPartitionOnce(db: SqlRunner, sql: string): Promise<boolean> {
  try {
    await db.query(sql);
    return true;
  } catch (error) {
    if (LOST_RACE.has(String((error as { code?: unknown }).code))) return false;
    throw error;
  }
}
