import type pg from 'pg';
import { qualified, tableChecksum } from '@neo/data/cutover';
import type { TableSnapshot } from './backup-manifest.js';

/**
 * Row count and checksum of every user table of the database the client is connected to, read
 * in the client's current transaction. A partitioned table is counted once, through its parent
 * (its partitions are not listed again).
 */
export async function snapshotTables(client: pg.Client): Promise<TableSnapshot[]> {
  const { rows: tables } = await client.query<{ schema: string; table: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS table,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname::text) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
      ORDER BY 1, 2`,
  );
  const snapshots: TableSnapshot[] = [];
  for (const { schema, table, columns } of tables) {
    snapshots.push({ schema, table, ...(await tableChecksum(client, qualified(schema, table), columns)) });
  }
  return snapshots;
}
