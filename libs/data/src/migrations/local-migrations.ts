import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationError } from './migration.error.js';

/** One `migrations/<name>/migration.sql` of a service, as Prisma lays them out. */
export interface LocalMigration {
  /** Directory name, e.g. `20261128054032_init`. */
  name: string;
  sql: string;
  /** What Prisma stores in `_prisma_migrations.checksum`: SHA-256 of the file, lower-case hex. */
  checksum: string;
}

/**
 * The migrations of one service in the order they apply (directory names sort by their
 * timestamp prefix). A missing directory means no migrations yet.
 */
export async function readLocalMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new MigrationError('MIGRATION_UNREADABLE', `Cannot read the migrations directory ${migrationsDir}: ${error.message}`, {
      cause: error,
    });
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const path = join(migrationsDir, name, 'migration.sql');
      const sql = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new MigrationError(
          'MIGRATION_UNREADABLE',
          `Cannot read ${path}: ${error.message}. Every directory under migrations/ must hold a migration.sql; remove stray directories.`,
          { migration: name, cause: error },
        );
      });
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Whether a file still matches the checksum recorded when it was applied. Like Prisma, a file
 * whose only change is CRLF → LF line endings (a Git checkout on another OS) still matches.
 */
export function matchesChecksum(sql: string, recordedChecksum: string): boolean {
  return migrationChecksum(sql) === recordedChecksum || migrationChecksum(sql.replace(/\r\n/g, '\n')) === recordedChecksum;
}
