import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchesChecksum, migrationChecksum, readLocalMigrations } from './local-migrations.js';
import { MigrationError } from './migration.error.js';

describe('migrationChecksum', () => {
  it('is the SHA-256 of the file as lower-case hex, as Prisma records it', () => {
    // sha256("") and sha256("abc") are the standard test vectors.
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('accepts a file whose only change is CRLF line endings, and nothing else', () => {
    const recorded = migrationChecksum('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n');
    expect(matchesChecksum('CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n', recorded)).toBe(true);
    expect(matchesChecksum('CREATE TABLE a (id bigint);\nCREATE TABLE b (id int);\n', recorded)).toBe(false);
  });
});

describe('readLocalMigrations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'neo-local-migrations-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }

  it('lists migrations in timestamp order with their checksums, ignoring the lock file', async () => {
    await addMigration('20260102000000_second', 'SELECT 2;');
    await addMigration('20260101000000_first', 'SELECT 1;');
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    const migrations = await readLocalMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(migrations[0]).toEqual({ name: '20260101000000_first', sql: 'SELECT 1;', checksum: migrationChecksum('SELECT 1;') });
  });

  it('treats a missing migrations directory as no migrations', async () => {
    expect(await readLocalMigrations(join(dir, 'absent'))).toEqual([]);
  });

  it('refuses a migration directory without migration.sql, naming it', async () => {
    await mkdir(join(dir, '20260101000000_empty'));
    const error = await readLocalMigrations(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'MIGRATION_UNREADABLE', migration: '20260101000000_empty' });
  });
});
