import type pg from 'pg';
import { CutoverError } from './cutover.error.js';
import { qualified, quoteIdent } from './sql-text.js';
import type { TableShape } from './table-catalog.js';

/**
 * Logical replication matches tables by schema-qualified name, and PostgreSQL 15 has no way
 * to map names. The monolith keeps a service's tables in the service's schema
 * (`storage.storage_objects`), the service's own databases in `public`.
 *
 * So each service database gets a *replication alias*: a partitioned table with the
 * monolith's name (`storage.storage_objects`) whose one, default partition is the service's
 * real table (`public.storage_objects`). Then:
 * - monolith → service: changes for `storage.storage_objects` are applied to the alias and
 *   routed to its partition, the real table;
 * - service → monolith: a publication of the alias with `publish_via_partition_root`
 *   publishes writes made directly on `public.storage_objects` under the alias's name,
 *   which the monolith applies to its `storage.storage_objects`.
 * The service keeps using `public.storage_objects` exactly as before.
 *
 * The alias has the table's primary key (it must, for UPDATE/DELETE to be matched by key), so
 * it is partitioned by the key's columns. While attached, a migration cannot add columns to
 * the real table directly (PostgreSQL refuses it on a partition): alter the alias instead,
 * which passes the change down, or migrate after the cutover is finished.
 */
export async function ensureReplicationAlias(client: pg.Client, aliasSchema: string, shape: TableShape): Promise<void> {
  if (shape.primaryKey.length === 0) {
    throw new CutoverError(
      'CUTOVER_UNSUPPORTED',
      `Table ${shape.schema}.${shape.table} has no primary key; logical replication cannot match its rows. Give its model an @id.`,
    );
  }
  const alias = qualified(aliasSchema, shape.table);
  const real = qualified(shape.schema, shape.table);
  const key = shape.primaryKey.map(quoteIdent).join(', ');
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(aliasSchema)}`);
  const { rows } = await client.query<{ parent: string | null; alias_exists: boolean }>(
    `SELECT (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = to_regclass($1)) AS parent,
            to_regclass($2) IS NOT NULL AS alias_exists`,
    [real, alias],
  );
  if (!rows[0]?.alias_exists) {
    await client.query(`CREATE TABLE ${alias} (LIKE ${real}) PARTITION BY RANGE (${key})`);
    await client.query(`ALTER TABLE ${alias} ADD PRIMARY KEY (${key})`);
  }
  if (!rows[0]?.parent) await client.query(`ALTER TABLE ${alias} ATTACH PARTITION ${real} DEFAULT`);
}

const DETACH_LOCK_TIMEOUT = '10s';
/** SQLSTATE of a statement that gave up waiting for a lock (lock_timeout). */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Undoes `ensureReplicationAlias` for `table` (when the cutover is finished): the real table is
 * detached from the alias, then the alias, now empty, is dropped. Dropping a partitioned table
 * drops its partitions with it, so both run in one transaction that checks the alias has no
 * partition left before dropping it. Returns false when there was no alias.
 */
export async function removeReplicationAlias(client: pg.Client, aliasSchema: string, table: string): Promise<boolean> {
  const alias = qualified(aliasSchema, table);
  const real = qualified('public', table);
  await client.query('BEGIN');
  try {
    // DETACH takes an exclusive lock on both tables: wait for running transactions a bounded time only.
    await client.query(`SET LOCAL lock_timeout = '${DETACH_LOCK_TIMEOUT}'`);
    const { rows } = await client.query<{ alias_exists: boolean; attached: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS alias_exists,
              coalesce((SELECT inhparent = to_regclass($1) FROM pg_inherits WHERE inhrelid = to_regclass($2)), false) AS attached`,
      [alias, real],
    );
    if (!rows[0]?.alias_exists) {
      await client.query('ROLLBACK');
      return false;
    }
    if (rows[0].attached) await client.query(`ALTER TABLE ${alias} DETACH PARTITION ${real}`);
    const left = await client.query<{ partition: string }>(
      `SELECT inhrelid::regclass::text AS partition FROM pg_inherits WHERE inhparent = to_regclass($1)`,
      [alias],
    );
    if (left.rows.length > 0) {
      throw new CutoverError(
        'CUTOVER_UNSUPPORTED',
        `The replication alias ${aliasSchema}.${table} still has partition(s) ${left.rows.map((row) => row.partition).join(', ')}, ` +
          `which dropping it would delete. Detach them (ALTER TABLE ${alias} DETACH PARTITION …), then rerun neo-db finish.`,
      );
    }
    await client.query(`DROP TABLE ${alias}`);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
      throw new CutoverError(
        'CUTOVER_FENCE_TIMEOUT',
        `Detaching public.${table} from its replication alias waited ${DETACH_LOCK_TIMEOUT} for the transactions using it to end; nothing was changed for it. ` +
          `Rerun neo-db finish once they ended (pg_stat_activity shows them, with their pid).`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Drops the aliases' schema when nothing else is in it; returns whether it was dropped. */
export async function dropAliasSchemaIfEmpty(client: pg.Client, aliasSchema: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [aliasSchema]);
  if (!rowCount) return false;
  try {
    // RESTRICT: refused (2BP01) while anything is left in it.
    await client.query(`DROP SCHEMA ${quoteIdent(aliasSchema)} RESTRICT`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '2BP01') return false;
    throw error;
  }
}
