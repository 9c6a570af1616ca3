import type pg from 'pg';

/** What the cutover needs to know about one table, read from the catalog. */
export interface TableShape {
  schema: string;
  table: string;
  /** Column names, sorted (checksums hash columns in this order on both sides). */
  columns: string[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
}

export async function readTableShape(client: pg.Client, schema: string, table: string): Promise<TableShape | undefined> {
  const { rows } = await client.query<{ columns: string[] | null; primary_key: string[] | null }>(
    `SELECT
       (SELECT array_agg(a.attname::text ORDER BY a.attname::text)
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY k.ordinality)
          FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = c.oid AND i.indisprimary) AS primary_key
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { schema, table, columns: row.columns ?? [], primaryKey: row.primary_key ?? [] };
}

/** Whether the table holds at least one row. */
export async function hasRows(client: pg.Client, qualifiedName: string): Promise<boolean> {
  const { rowCount } = await client.query(`SELECT 1 FROM ${qualifiedName} LIMIT 1`);
  return Boolean(rowCount);
}
