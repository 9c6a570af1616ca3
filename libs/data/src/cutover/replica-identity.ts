import type pg from 'pg';
import { qualified, quoteIdent } from './sql-text.js';

/**
 * PostgreSQL 15 publishes UPDATE and DELETE of a row-filtered table only when every column
 * of the filter is part of the table's replica identity; otherwise the monolith would
 * refuse those statements. The key column must be in the identity, and so must the primary
 * key (the service side finds rows by it). So, for a filtered table:
 *
 * - an existing unique index over NOT NULL columns that holds the shard key and the primary
 *   key (e.g. Prisma's `@@unique([userId, id])`) becomes the replica identity: WAL grows
 *   only by those columns;
 * - else REPLICA IDENTITY FULL: every old column is logged for UPDATE/DELETE. That costs WAL,
 *   and the subscriber still finds rows by its primary key, so applying stays cheap.
 *
 * Returns what was chosen: the index name or `full`.
 */
export async function ensureReplicaIdentityCovers(client: pg.Client, schema: string, table: string, columns: readonly string[]): Promise<string> {
  const { rows } = await client.query<{ index_name: string; is_identity: boolean }>(
    `SELECT ic.relname AS index_name, i.indisreplident AS is_identity
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = $2 AND i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k(attnum) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum WHERE NOT a.attnotnull)
        AND (SELECT array_agg(a.attname::text) FROM unnest(i.indkey) k(attnum) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) @> $3::text[]
      ORDER BY i.indisreplident DESC, array_length(i.indkey, 1), ic.relname
      LIMIT 1`,
    [schema, table, columns],
  );
  const chosen = rows[0];
  if (chosen) {
    if (!chosen.is_identity) await client.query(`ALTER TABLE ${qualified(schema, table)} REPLICA IDENTITY USING INDEX ${quoteIdent(chosen.index_name)}`);
    return chosen.index_name;
  }
  const { rows: current } = await client.query<{ relreplident: string }>(
    `SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  if (current[0]?.relreplident !== 'f') await client.query(`ALTER TABLE ${qualified(schema, table)} REPLICA IDENTITY FULL`);
  return 'full';
}
