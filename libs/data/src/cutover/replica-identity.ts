import type pg from 'pg';
import { qualified } from './sql-text.js';

/**
 * PostgreSQL 15 publishes UPDATE and DELETE of a row-filtered table only when every column of
 * the filter is part of the table's replica identity; otherwise the monolith would refuse
 * those statements. So a sharded table gets REPLICA IDENTITY FULL on the monolith: every old
 * column is logged for UPDATE/DELETE (more WAL on the monolith while it publishes), and a
 * change that moves a row's shard key is sent as a delete to one shard and an insert to the
 * other.
 *
 * Why not an index holding the shard key (e.g. `@@unique([userId, id])`)? The identity is also
 * what the monolith expects as the key when it *subscribes* after writes moved, and the
 * service side sends its primary key there. With FULL the monolith matches incoming changes
 * by its primary key, the same key both sides have. Subscribers find rows by primary key in
 * both directions, so applying stays cheap.
 */
export async function ensureReplicaIdentityFull(client: pg.Client, schema: string, table: string): Promise<void> {
  const { rows } = await client.query<{ relreplident: string }>(
    `SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  if (rows[0]?.relreplident !== 'f') await client.query(`ALTER TABLE ${qualified(schema, table)} REPLICA IDENTITY FULL`);
}
