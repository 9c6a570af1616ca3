import { mkdir, readdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { MIGRATION_LOCK_FILE, POSTGRESQL_MIGRATION_LOCK, readMigrationsList } from './migrations-list.js';
import { SchemaEngineSession } from './schema-engine-session.js';

export interface CreateMigrationOptions {
  /** `prisma/<service>`: holds schema.prisma and migrations/. */
  serviceDir: string;
  /** What the migration does, e.g. `add_owner_index`; becomes `<timestamp>_<name>`. */
  name: string;
  /** A PostgreSQL database to connect to; throwaway shadow databases are created on its server. */
  connection: pg.PoolConfig;
  /** Clock for the timestamp (tests). */
  now?: () => Date;
  log?: (line: string) => void;
}

export type CreateMigrationResult =
  { status: 'created'; migrationName: string; migrationDir: string; sql: string } | { status: 'no-changes' };

/**
 * `prisma migrate dev --create-only`, offline: replays the existing migrations on a shadow
 * database, diffs the result against schema.prisma and, if they differ, writes
 * `migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql` (and `migration_lock.toml` the first time).
 * Nothing is applied to any database that outlives the call.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const migrationsDir = join(options.serviceDir, 'migrations');
  const name = migrationNameSlug(options.name);
  const session = await SchemaEngineSession.open({
    connection: options.connection,
    schemaPath: join(options.serviceDir, 'schema.prisma'),
    ...(options.log ? { log: options.log } : {}),
  });
  let sql: string | null;
  try {
    sql = await session.diffMigrationsToSchema(await readMigrationsList(migrationsDir));
  } finally {
    await session.close();
  }
  if (sql === null) return { status: 'no-changes' };

  const existing = await existingMigrationNames(migrationsDir);
  const migrationName = `${nextTimestamp((options.now ?? (() => new Date()))(), existing)}_${name}`;
  const migrationDir = join(migrationsDir, migrationName);
  await mkdir(migrationDir, { recursive: true });
  await writeFile(join(migrationDir, 'migration.sql'), sql);
  const lockPath = join(migrationsDir, MIGRATION_LOCK_FILE);
  if (!(await exists(lockPath))) await writeFile(lockPath, POSTGRESQL_MIGRATION_LOCK);
  return { status: 'created', migrationName, migrationDir, sql };
}

/** Prisma's convention: a name is lower-case words joined by `_`. */
export function migrationNameSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) throw new Error(`"${name}" is not a usable migration name: use letters, digits and "_", e.g. add_owner_index.`);
  return slug;
}

/**
 * `YYYYMMDDHHMMSS` in UTC, as Prisma names migrations; moved one second past the newest existing
 * migration if needed, so the new one always sorts last (two migrations in one second, clock skew).
 */
export function nextTimestamp(now: Date, existingNames: readonly string[]): string {
  const newest = existingNames
    .map((existing) => /^(\d{14})_/.exec(existing)?.[1])
    .filter((stamp): stamp is string => stamp !== undefined)
    .sort()
    .at(-1);
  let candidate = now;
  if (newest && formatTimestamp(candidate) <= newest) candidate = new Date(parseTimestamp(newest).getTime() + 1000);
  return formatTimestamp(candidate);
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTimestamp(stamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp) ?? [];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

async function existingMigrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
