import type pg from 'pg';

/**
 * Prisma's migration history table, created exactly as Prisma's schema engine creates it, so
 * `prisma migrate status/deploy` and this migrator read and write the same history.
 */
export const MIGRATIONS_TABLE = '_prisma_migrations';

/**
 * The advisory lock key Prisma's schema engine takes while it migrates a database; taking the
 * same one keeps this migrator and Prisma (or two migrator runs) from migrating at the same time.
 */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** One row of `_prisma_migrations`. */
export interface MigrationRecord {
  id: string;
  checksum: string;
  finishedAt: Date | null;
  migrationName: string;
  logs: string | null;
  rolledBackAt: Date | null;
  startedAt: Date;
  appliedStepsCount: number;
}

/** A record counts as applied when it finished and was not rolled back (Prisma's rule). */
export function isApplied(record: MigrationRecord): boolean {
  return record.finishedAt !== null && record.rolledBackAt === null;
}

/** A record counts as failed when it never finished and was not marked rolled back (Prisma's rule). */
export function isFailed(record: MigrationRecord): boolean {
  return record.finishedAt === null && record.rolledBackAt === null;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The history table of one PostgreSQL schema. */
export class MigrationsTable {
  readonly schema: string;
  private readonly table: string;

  constructor(schema: string) {
    this.schema = schema;
    this.table = `${quoteIdentifier(schema)}.${quoteIdentifier(MIGRATIONS_TABLE)}`;
  }

  async ensureExists(client: pg.ClientBase): Promise<void> {
    await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
  }

  async readAll(client: pg.ClientBase): Promise<MigrationRecord[]> {
    const { rows } = await client.query<{
      id: string;
      checksum: string;
      finished_at: Date | null;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>(`SELECT * FROM ${this.table} ORDER BY started_at, migration_name`);
    return rows.map((row) => ({
      id: row.id,
      checksum: row.checksum,
      finishedAt: row.finished_at,
      migrationName: row.migration_name,
      logs: row.logs,
      rolledBackAt: row.rolled_back_at,
      startedAt: row.started_at,
      appliedStepsCount: row.applied_steps_count,
    }));
  }

  /** Records a migration that is being applied (inside its transaction, unless it runs without one). */
  async recordStarted(client: pg.ClientBase, id: string, name: string, checksum: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, checksum, name],
    );
  }

  /** The whole script is one step, as Prisma counts it for PostgreSQL. */
  async recordFinished(client: pg.ClientBase, id: string): Promise<void> {
    await client.query(`UPDATE ${this.table} SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
  }

  /** Records a failed attempt (after its transaction was rolled back): no finished_at, the error in logs. */
  async recordFailed(client: pg.ClientBase, id: string, name: string, checksum: string, startedAt: Date, logs: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (id, checksum, migration_name, logs, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 0)`,
      [id, checksum, name, logs, startedAt],
    );
  }

  /** Keeps the error of an attempt that ran without a transaction on its own (unfinished) record. */
  async recordFailureLogs(client: pg.ClientBase, id: string, logs: string): Promise<void> {
    await client.query(`UPDATE ${this.table} SET logs = $2 WHERE id = $1`, [id, logs]);
  }

  /** `prisma migrate resolve --rolled-back <name>`: the failed attempt stays as history but no longer blocks. */
  async markRolledBack(client: pg.ClientBase, name: string): Promise<number> {
    const result = await client.query(
      `UPDATE ${this.table} SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [name],
    );
    return result.rowCount ?? 0;
  }

  /** The SQL an operator runs to do what `markRolledBack` does, for error messages. */
  rolledBackSql(name: string): string {
    return `UPDATE ${this.table} SET rolled_back_at = now() WHERE migration_name = '${name.replace(/'/g, "''")}' AND finished_at IS NULL AND rolled_back_at IS NULL;`;
  }
}
