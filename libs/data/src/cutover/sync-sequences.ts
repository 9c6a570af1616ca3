import type pg from 'pg';
import { qualified, quoteIdent } from './sql-text.js';

/**
 * Logical replication copies rows but not sequences. Before a side takes writes, each of its
 * sequence-backed columns (serial, identity) must be past every value the other side used,
 * or its next insert collides with a replicated row.
 */
export async function sequenceColumns(
  client: pg.Client,
  schema: string,
  table: string,
): Promise<Array<{ column: string; sequence: string }>> {
  const { rows } = await client.query<{ column: string; sequence: string }>(
    `SELECT a.attname::text AS column, pg_get_serial_sequence($1, a.attname) AS sequence
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence($1, a.attname) IS NOT NULL`,
    [qualified(schema, table)],
  );
  return rows;
}

export async function maxOf(client: pg.Client, schema: string, table: string, column: string): Promise<string | null> {
  const { rows } = await client.query<{ max: string | null }>(
    `SELECT max(${quoteIdent(column)})::text AS max FROM ${qualified(schema, table)}`,
  );
  return rows[0]?.max ?? null;
}

/** Moves the sequence to at least `value` (never backwards). */
export async function advanceSequence(client: pg.Client, sequence: string, value: string): Promise<void> {
  await client.query(
    `SELECT setval($1::regclass, greatest($2::bigint, (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${sequence})))`,
    [sequence, value],
  );
}
