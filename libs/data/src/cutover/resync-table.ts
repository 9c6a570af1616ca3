import type pg from 'pg';
import { CutoverError } from './cutover.error.js';
import { quoteIdent } from './sql-text.js';

/** Rows fetched from the source and inserted on the receiving side at a time. */
const BATCH_ROWS = 5_000;

export interface TableSource {
  /** A client inside a transaction that reads the source in the slot's exported snapshot. */
  client: pg.Client;
  /** `"schema"."table"` on the source. */
  name: string;
  /** The row filter of the link's publication, if any: only those rows are the link's. */
  filter?: string;
}

/**
 * Copies a table's rows from `source` (read in a slot's exported snapshot) into `receiving`,
 * inside the caller's transaction on the receiving side, which runs with
 * `session_replication_role = replica` (as replication's apply workers do: the write guard and
 * foreign-key triggers do not fire, the rows are replication's, not a service's write). Rows are
 * moved as JSON (`to_json` / `json_populate_recordset`), so both ends may be any servers.
 * Returns the number of rows copied.
 */
export async function copyTableRows(source: TableSource, receiving: pg.Client, receivingName: string): Promise<number> {
  const columns = await insertableColumns(receiving, receivingName);
  if (columns.length === 0) {
    throw new CutoverError('CUTOVER_UNSUPPORTED', `${receivingName} has no columns to copy into: migrate the receiving side first.`);
  }
  const list = columns.map(quoteIdent).join(', ');
  const cursor = `neo_resync_${Math.random().toString(36).slice(2, 10)}`;
  await source.client.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT to_json(t)::text AS row FROM ${source.name} t${source.filter ? ` WHERE (${source.filter})` : ''}`,
  );
  let copied = 0;
  try {
    for (;;) {
      const { rows } = await source.client.query<{ row: string }>(`FETCH ${BATCH_ROWS} FROM ${cursor}`);
      if (rows.length === 0) break;
      // OVERRIDING SYSTEM VALUE: identity columns take the source's values, as replication's would.
      await receiving.query(
        `INSERT INTO ${receivingName} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${receivingName}, $1::json)`,
        [`[${rows.map((entry) => entry.row).join(',')}]`],
      );
      copied += rows.length;
    }
  } finally {
    await source.client.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
  return copied;
}

/** The table's columns that take values (not dropped, not generated), in table order. */
async function insertableColumns(client: pg.Client, qualifiedName: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname::text AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    [qualifiedName],
  );
  return rows.map((row) => row.name);
}
