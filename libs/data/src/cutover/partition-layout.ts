import { createPartitionOnce } from '../sharding/partitioning/create-partition-once.js';
import type pg from 'pg';
import { qualified, quoteIdent } from './sql-text.js';

/**
 * Gives the target's partitioned table every partition the monolith's has (same names and
 * bounds, owned by the table's owner), so the initial copy and the changes that follow find a
 * partition for each row. Partitions made later (by the service's partition keeper, which keeps
 * both sides) are not this step's business. A table that is not partitioned is left alone.
 */
export async function copyPartitionLayout(
  monolith: pg.Client,
  monolithSchema: string,
  target: pg.Client,
  targetSchema: string,
  table: string,
): Promise<string[]> {
  const { rows: partitions } = await monolith.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
    [qualified(monolithSchema, table)],
  );
  if (partitions.length === 0) return [];
  const parent = qualified(targetSchema, table);
  const { rows } = await target.query<{ owner: string; partitioned: boolean }>(
    `SELECT pg_get_userbyid(relowner) AS owner, relkind = 'p' AS partitioned FROM pg_class WHERE oid = to_regclass($1)`,
    [parent],
  );
  if (!rows[0]?.partitioned) return [];
  const created: string[] = [];
  for (const partition of partitions) {
    const name = qualified(targetSchema, partition.name);
    const { rows: existing } = await target.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [name]);
    if (existing.length > 0) continue;
    // The service's partition keeper may be making the same partition right now.
    if (!(await createPartitionOnce(target, `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${parent} ${partition.bound}`))) continue;
    await target.query(`ALTER TABLE ${name} OWNER TO ${quoteIdent(rows[0].owner)}`);
    created.push(partition.name);
  }
  return created;
}
