import type pg from 'pg';
import { qualified, quoteIdent } from './sql-text.js';

export interface PublishedTable {
  schema: string;
  table: string;
  /** PostgreSQL 15 row filter: only rows for which it is true are published. */
  filter?: string;
}

/**
 * Creates the publication, or makes an existing one publish exactly `tables` (so a rerun
 * after a topology change converges). `viaRoot`: publish a partition's changes under its
 * partitioned root's name (used for the service side's replication aliases).
 */
export async function ensurePublication(
  client: pg.Client,
  name: string,
  tables: readonly PublishedTable[],
  options: { viaRoot?: boolean } = {},
): Promise<void> {
  const list = tables
    .map((entry) => `TABLE ${qualified(entry.schema, entry.table)}${entry.filter ? ` WHERE (${entry.filter})` : ''}`)
    .join(', ');
  const { rowCount } = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
  if (rowCount) {
    await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET ${list}`);
    if (options.viaRoot !== undefined)
      await client.query(`ALTER PUBLICATION ${quoteIdent(name)} SET (publish_via_partition_root = ${options.viaRoot})`);
    return;
  }
  const withClause = options.viaRoot ? ' WITH (publish_via_partition_root = true)' : '';
  await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR ${list}${withClause}`);
}

export async function dropPublication(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`);
}
