import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { matchesChecksum, type LocalMigration } from './local-migrations.js';
import { MigrationError } from './migration.error.js';
import { runsOutsideTransaction } from './transaction-mode.js';
import {
  isApplied,
  isFailed,
  MigrationsTable,
  PRISMA_ADVISORY_LOCK_KEY,
  quoteIdentifier,
  type MigrationRecord,
} from './migrations-table.js';

/** One database (or one schema inside the monolith) that receives a service's migrations. */
export interface MigrationTarget {
  /** How logs and errors name it, e.g. `core/core-primary/neo_storage` (never a password). */
  label: string;
  connection: pg.ClientConfig;
  /** The PostgreSQL schema that holds the service's tables and its `_prisma_migrations` (default `public`). */
  schema?: string;
}

export interface TargetMigrationResult {
  target: string;
  schema: string;
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
  /** How many migrations were already applied and left alone. */
  skipped: number;
}

export interface MigrateTargetOptions {
  log?: (line: string) => void;
  /** How long to wait for another migration run on the same database to finish. */
  lockTimeoutMs?: number;
}

/**
 * Applies `migrations` to one target in order, the way `prisma migrate deploy` does, with two
 * differences that make a fleet safer: each migration runs in its own transaction (a failure
 * leaves nothing half-applied), and the history is checked before anything runs. A migration that
 * holds a statement PostgreSQL cannot run in a transaction (`CREATE INDEX CONCURRENTLY`) runs
 * without one, as Prisma runs it (see `runsOutsideTransaction`).
 *
 * Holds Prisma's advisory lock on the target's database for the whole run, so concurrent runs
 * (or a concurrent `prisma migrate`) wait instead of applying a migration twice.
 */
export async function migrateTarget(
  target: MigrationTarget,
  migrations: readonly LocalMigration[],
  options: MigrateTargetOptions = {},
): Promise<TargetMigrationResult> {
  const schema = target.schema ?? 'public';
  const log = options.log ?? (() => undefined);
  const table = new MigrationsTable(schema);
  const client = new pg.Client(target.connection);
  // A connection the server drops mid-run surfaces through the failing query; this keeps it from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(
      'MIGRATION_TARGET_UNAVAILABLE',
      `Cannot connect to ${target.label} to migrate it: ${(error as Error).message}. Check that the server is up and the topology's host, port and credentials.`,
      { target: target.label, cause: error },
    );
  }
  try {
    await acquireLock(client, target.label, options.lockTimeoutMs ?? 60_000);
    try {
      // CREATE SCHEMA checks the database's CREATE privilege even when the schema exists, and an
      // owner role that was given its schema has no reason to hold it: create only what is missing.
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (!rowCount) await client.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
      // Migration scripts name tables without a schema, as Prisma writes them; they land in the target's schema.
      await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
      await table.ensureExists(client);
      const records = await table.readAll(client);
      checkHistory(target.label, table, records, migrations);

      const appliedNames = new Set(records.filter(isApplied).map((record) => record.migrationName));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (appliedNames.has(migration.name)) continue;
        log(`${target.label}: applying ${migration.name}`);
        await applyOne(client, table, target.label, migration);
        applied.push(migration.name);
      }
      const skipped = migrations.length - applied.length;
      log(`${target.label}: ${applied.length} applied, ${skipped} already applied`);
      return { target: target.label, schema, applied, skipped };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function acquireLock(client: pg.Client, label: string, timeoutMs: number): Promise<void> {
  try {
    await client.query(`SET lock_timeout TO ${Math.max(1, Math.round(timeoutMs))}`);
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query('RESET lock_timeout');
  } catch (error) {
    throw new MigrationError(
      'MIGRATION_TARGET_UNAVAILABLE',
      `Another migration run holds the migration lock of ${label} for more than ${timeoutMs} ms. ` +
        `Wait for it to finish, or find it with: SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${PRISMA_ADVISORY_LOCK_KEY};`,
      { target: label, cause: error },
    );
  }
}

/** Refuses to touch a target whose history says something is wrong, before anything runs. */
function checkHistory(label: string, table: MigrationsTable, records: readonly MigrationRecord[], migrations: readonly LocalMigration[]) {
  const failed = records.find(isFailed);
  if (failed) {
    throw new MigrationError(
      'MIGRATION_FAILED_PREVIOUSLY',
      `Migration ${failed.migrationName} failed on ${label} in an earlier run and blocks further migrations there.\n` +
        `Its error, as recorded: ${firstLines(failed.logs ?? '(no log)')}\n` +
        `${
          failed.logs?.includes('ran without a transaction')
            ? 'It ran without a transaction, so its statements before the failing one stay applied (an index built CONCURRENTLY is left INVALID: drop it). Fix migration.sql, '
            : 'The migrator ran it in a transaction, so nothing of it was applied. Fix migration.sql (editing it is safe: it never applied), '
        }` +
        `then ${resolveInstructions(label, table, failed.migrationName)}`,
      { target: label, migration: failed.migrationName },
    );
  }
  const local = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const record of records.filter(isApplied)) {
    const migration = local.get(record.migrationName);
    if (!migration) {
      throw new MigrationError(
        'MIGRATION_MISSING_LOCALLY',
        `${label} has migration ${record.migrationName} applied, but the migrations directory has no such migration.\n` +
          `Restore prisma/<service>/migrations/${record.migrationName}/migration.sql from version control, ` +
          `or make sure you are running the right branch against the right database.`,
        { target: label, migration: record.migrationName },
      );
    }
    if (!matchesChecksum(migration.sql, record.checksum)) {
      throw new MigrationError(
        'MIGRATION_EDITED',
        `Migration ${record.migrationName} was changed after it was applied to ${label} (checksum ${migration.checksum} is not the recorded ${record.checksum}).\n` +
          `Applied migrations are history: restore its migration.sql from version control and put the change in a new migration ` +
          `(npm run prisma:migrate:create -- <service> <name>).`,
        { target: label, migration: record.migrationName },
      );
    }
  }
}

async function applyOne(client: pg.Client, table: MigrationsTable, label: string, migration: LocalMigration): Promise<void> {
  if (runsOutsideTransaction(migration.sql)) return applyWithoutTransaction(client, table, label, migration);
  const id = randomUUID();
  const startedAt = new Date();
  try {
    await client.query('BEGIN');
    await table.recordStarted(client, id, migration.name, migration.checksum);
    await client.query(migration.sql);
    await table.recordFinished(client, id);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // Recorded after the rollback so the failure survives it, and blocks the next run as Prisma's history would.
    await table
      .recordFailed(client, randomUUID(), migration.name, migration.checksum, startedAt, failureLog(error, 'rolled back'))
      .catch(() => undefined);
    throw new MigrationError(
      'MIGRATION_FAILED',
      `Migration ${migration.name} failed on ${label} and was rolled back: ${(error as Error).message}\n` +
        `It is recorded as failed, so later runs stop there until it is resolved: fix migration.sql, ` +
        `then ${resolveInstructions(label, table, migration.name)}`,
      { target: label, migration: migration.name, cause: error },
    );
  }
}

/**
 * A migration that cannot run in a transaction: recorded as started first (so a crash midway
 * leaves it failed, as Prisma records it), then sent as written in one round trip.
 */
async function applyWithoutTransaction(client: pg.Client, table: MigrationsTable, label: string, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await table.recordStarted(client, id, migration.name, migration.checksum);
  try {
    await client.query(migration.sql);
  } catch (error) {
    await table.recordFailureLogs(client, id, failureLog(error, 'not rolled back')).catch(() => undefined);
    const alone =
      (error as Partial<pg.DatabaseError>).code === '25001'
        ? ' A statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY, …) must be alone in its migration: move the other statements to a migration of their own.'
        : ' It ran without a transaction (it holds a statement that cannot run in one), so what it did before the failing statement stays: an index built CONCURRENTLY is left INVALID; drop it (DROP INDEX CONCURRENTLY IF EXISTS …) before the next run.';
    throw new MigrationError(
      'MIGRATION_FAILED',
      `Migration ${migration.name} failed on ${label}: ${(error as Error).message}.${alone}\n` +
        `It is recorded as failed, so later runs stop there until it is resolved: fix migration.sql, ` +
        `then ${resolveInstructions(label, table, migration.name)}`,
      { target: label, migration: migration.name, cause: error },
    );
  }
  await table.recordFinished(client, id);
}

/** The `logs` column of a failed attempt, in the spirit of what Prisma writes there. */
function failureLog(error: unknown, outcome: 'rolled back' | 'not rolled back'): string {
  const pgError = error as Partial<pg.DatabaseError> & Error;
  const lines = [
    outcome === 'rolled back'
      ? 'Migration failed and its transaction was rolled back.'
      : 'Migration failed; it ran without a transaction, so its statements before the failing one stay applied.',
  ];
  if (pgError.code) lines.push(`Database error code: ${pgError.code}`);
  lines.push('', 'Database error:', pgError.message ?? String(error));
  if (pgError.detail) lines.push(`DETAIL: ${pgError.detail}`);
  if (pgError.hint) lines.push(`HINT: ${pgError.hint}`);
  if (pgError.position) lines.push(`POSITION: ${pgError.position}`);
  return lines.join('\n');
}

function firstLines(text: string): string {
  return text.split('\n').filter(Boolean).slice(0, 4).join(' | ');
}

/** `prisma migrate resolve --rolled-back`, the two ways this workspace offers it. */
function resolveInstructions(label: string, table: MigrationsTable, name: string): string {
  return (
    `mark the failed attempt rolled back and rerun. Either:\n` +
    `  node tools/prisma/resolve.mjs --url <url of ${label}> --schema ${table.schema} --rolled-back ${name}\n` +
    `or, in SQL on that database:\n  ${table.rolledBackSql(name)}`
  );
}
