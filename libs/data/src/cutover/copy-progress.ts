import type pg from 'pg';

/** PostgreSQL's table synchronisation states (pg_subscription_rel.srsubstate), named. */
const STATES: Record<string, string> = { i: 'waiting', d: 'copying', f: 'copied', s: 'synchronised', r: 'ready' };

export interface TableCopyProgress {
  table: string;
  state: string;
  /** Rows copied so far, while the table's initial copy runs (pg_stat_progress_copy). */
  rowsCopied?: number;
}

/** The initial copy of each table of a subscription, on the subscriber. */
export async function readCopyProgress(subscriber: pg.Client, subscription: string): Promise<TableCopyProgress[]> {
  const { rows } = await subscriber.query<{ table: string; state: string; rows_copied: string | null }>(
    `SELECT sr.srrelid::regclass::text AS table, sr.srsubstate AS state,
            (SELECT p.tuples_processed::text FROM pg_stat_progress_copy p WHERE p.relid = sr.srrelid LIMIT 1) AS rows_copied
       FROM pg_subscription_rel sr JOIN pg_subscription s ON s.oid = sr.srsubid
      WHERE s.subname = $1 ORDER BY 1`,
    [subscription],
  );
  return rows.map((row) => ({
    table: row.table,
    state: STATES[row.state] ?? row.state,
    ...(row.rows_copied !== null ? { rowsCopied: Number(row.rows_copied) } : {}),
  }));
}
