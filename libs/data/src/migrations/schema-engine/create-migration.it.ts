import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigration } from './create-migration.js';
import { POSTGRESQL_MIGRATION_LOCK } from './migrations-list.js';

const fixtureSchema = fileURLToPath(new URL('../../../../../prisma/_fixture/schema.prisma', import.meta.url));

let server: ScratchPostgres;
let serviceDir: string;

beforeAll(async () => {
  server = await startScratchPostgres();
  serviceDir = await mkdtemp(join(tmpdir(), 'neo-create-migration-'));
  await cp(fixtureSchema, join(serviceDir, 'schema.prisma'));
});

afterAll(async () => {
  await server?.stop();
  if (serviceDir) await rm(serviceDir, { recursive: true, force: true });
});

async function shadowDatabases(): Promise<number> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('createMigration (offline, through the WASM schema engine)', () => {
  it('writes the first migration and migration_lock.toml, as prisma migrate dev --create-only would', async () => {
    const result = await createMigration({
      serviceDir,
      name: 'init',
      connection: { connectionString: server.url },
      now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    });
    expect(result).toMatchObject({ status: 'created', migrationName: '20260102030405_init' });
    const sql = await readFile(join(serviceDir, 'migrations/20260102030405_init/migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TYPE "WidgetState" AS ENUM');
    expect(sql).toContain('CREATE TABLE "widgets"');
    expect(sql).not.toContain('CREATE SCHEMA');
    expect(await readFile(join(serviceDir, 'migrations/migration_lock.toml'), 'utf8')).toBe(POSTGRESQL_MIGRATION_LOCK);
  });

  it('says there are no changes when the migrations already match the schema', async () => {
    expect(await createMigration({ serviceDir, name: 'again', connection: { connectionString: server.url } })).toEqual({
      status: 'no-changes',
    });
    expect(await readdir(join(serviceDir, 'migrations'))).toEqual(['20260102030405_init', 'migration_lock.toml']);
  });

  it('writes only the difference for a changed schema, sorted after the existing migrations', async () => {
    const schema = await readFile(join(serviceDir, 'schema.prisma'), 'utf8');
    await writeFile(join(serviceDir, 'schema.prisma'), schema.replace('  label     String', '  color     String?\n  label     String'));
    const result = await createMigration({
      serviceDir,
      name: 'Add widget color',
      connection: { connectionString: server.url },
      now: () => new Date(Date.UTC(2025, 0, 1)), // a clock behind the last migration
    });
    expect(result).toMatchObject({ status: 'created', migrationName: '20260102030406_add_widget_color' });
    if (result.status !== 'created') throw new Error('unreachable');
    expect(result.sql).toContain('ALTER TABLE "widgets" ADD COLUMN');
    expect(result.sql).not.toContain('CREATE TABLE');
  });

  it('leaves no shadow database behind', async () => {
    expect(await shadowDatabases()).toBe(0);
  });
});
