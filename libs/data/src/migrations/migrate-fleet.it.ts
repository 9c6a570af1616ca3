import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologySchema, type Topology } from '@neo/topology';
import { readLocalMigrations } from './local-migrations.js';
import { migrateFleet } from './migrate-fleet.js';
import { MigrationError } from './migration.error.js';
import { MigrationsTable, PRISMA_ADVISORY_LOCK_KEY } from './migrations-table.js';
import { readMigrationsList } from './schema-engine/migrations-list.js';
import { SchemaEngineSession } from './schema-engine/schema-engine-session.js';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtureDir = join(workspaceRoot, 'prisma/_fixture');

let server: ScratchPostgres;
let admin: pg.Client;
let scratchDir: string;
let databaseCounter = 0;

beforeAll(async () => {
  server = await startScratchPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  scratchDir = await mkdtemp(join(tmpdir(), 'neo-migrate-fleet-'));
});

afterAll(async () => {
  await admin?.end();
  await server?.stop();
  if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
});

/** A prisma/ root holding a copy of the fixture service as `widgets`, which a test may then change. */
async function fixturePrismaRoot(): Promise<string> {
  const root = await mkdtemp(join(scratchDir, 'prisma-'));
  await cp(fixtureDir, join(root, 'widgets'), { recursive: true });
  return root;
}

/**
 * A topology on the scratch server with fresh databases: `widgets` (one database) and, with
 * `sharded`, a service `sharded` (a home database and two shards); both have a schema in the monolith.
 */
async function freshTopology(
  options: { sharded?: boolean } = {},
): Promise<{ topology: Topology; db: Record<'widgets' | 'monolith' | 'home' | 'shardA' | 'shardB', string> }> {
  const n = ++databaseCounter;
  const db = {
    widgets: `fleet${n}_widgets`,
    monolith: `fleet${n}_monolith`,
    home: `fleet${n}_sharded`,
    shardA: `fleet${n}_shard_a`,
    shardB: `fleet${n}_shard_b`,
  };
  const needed = options.sharded ? Object.values(db) : [db.widgets, db.monolith];
  for (const name of needed) await admin.query(`CREATE DATABASE ${name}`);
  const sharded = {
    cluster: 'local',
    database: db.home,
    prismaDir: 'widgets',
    monolithSchema: 'sharded_svc',
    sharding: {
      strategy: 'modulo',
      key: 'ownerId',
      models: ['Widget'],
      modulus: 2,
      shards: [
        { name: 'a', database: db.shardA, remainder: 0 },
        { name: 'b', database: db.shardB, remainder: 1 },
      ],
    },
  };
  const topology = topologySchema.parse({
    version: 1,
    clusters: {
      local: {
        temperature: 'hot',
        credentials: { user: server.user, password: server.password },
        primary: { name: 'local-primary', host: server.host, port: server.port },
      },
    },
    services: { widgets: { cluster: 'local', database: db.widgets }, ...(options.sharded ? { sharded } : {}) },
    monolith: { cluster: 'local', database: db.monolith },
  });
  return { topology, db };
}

function connectionTo(database: string): pg.ClientConfig {
  return { host: server.host, port: server.port, user: server.user, password: server.password, database };
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(connectionTo(database));
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function tablesIn(database: string, schema: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    database,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

async function failure(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

describe('migrateFleet against real PostgreSQL', () => {
  it('applies every migration to every target once, then skips them all on a rerun', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology({ sharded: true });
    const migrations = (await readLocalMigrations(join(prismaRoot, 'widgets/migrations'))).map((m) => m.name);
    expect(migrations.length).toBeGreaterThanOrEqual(2);

    const first = await migrateFleet({ topology, prismaRoot });
    expect(first.map((r) => [r.service, r.kind, r.target])).toEqual([
      ['widgets', 'database', `local/local-primary/${db.widgets}`],
      ['widgets', 'monolith', `local/local-primary/${db.monolith}/widgets`],
      ['sharded', 'database', `local/local-primary/${db.home}`],
      ['sharded', 'shard', `local/local-primary/${db.shardA}`],
      ['sharded', 'shard', `local/local-primary/${db.shardB}`],
      ['sharded', 'monolith', `local/local-primary/${db.monolith}/sharded_svc`],
    ]);
    for (const result of first) expect(result).toMatchObject({ applied: migrations, skipped: 0 });

    const rerun = await migrateFleet({ topology, prismaRoot });
    for (const result of rerun) expect(result).toMatchObject({ applied: [], skipped: migrations.length });

    const rows = await query<{ migration_name: string; finished_at: Date | null; applied_steps_count: number; checksum: string }>(
      db.widgets,
      `SELECT migration_name, finished_at, applied_steps_count, checksum FROM _prisma_migrations ORDER BY started_at`,
    );
    const local = await readLocalMigrations(join(prismaRoot, 'widgets/migrations'));
    expect(rows.map((r) => [r.migration_name, r.applied_steps_count, r.checksum])).toEqual(local.map((m) => [m.name, 1, m.checksum]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('keeps a monolith target inside its schema: tables and history there, nothing in public', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    await migrateFleet({ topology, prismaRoot, services: ['widgets'] });
    expect(await tablesIn(db.monolith, 'widgets')).toEqual(['_prisma_migrations', 'owners', 'widgets']);
    expect(await tablesIn(db.monolith, 'public')).toEqual([]);
    expect(await tablesIn(db.widgets, 'public')).toEqual(['_prisma_migrations', 'owners', 'widgets']);
  });

  it("leaves Prisma's own engine with nothing to apply, on a database and on a monolith schema", async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    await migrateFleet({ topology, prismaRoot, services: ['widgets'] });
    const migrationsList = await readMigrationsList(join(prismaRoot, 'widgets/migrations'));
    for (const [database, schema] of [
      [db.widgets, undefined],
      [db.monolith, 'widgets'],
    ] as const) {
      const session = await SchemaEngineSession.open({
        connection: connectionTo(database),
        ...(schema ? { schema } : {}),
        schemaPath: join(prismaRoot, 'widgets/schema.prisma'),
      });
      try {
        expect(await session.diagnoseMigrationHistory(migrationsList)).toEqual({
          editedMigrationNames: [],
          failedMigrationNames: [],
          hasMigrationsTable: true,
          history: null,
        });
        expect(await session.applyMigrations(migrationsList)).toEqual([]);
        expect(await session.diffDatabaseToSchema()).toBeNull();
      } finally {
        await session.close();
      }
    }
  });

  it("skips migrations that Prisma's own engine applied (same history table, same checksums)", async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    const migrationsList = await readMigrationsList(join(prismaRoot, 'widgets/migrations'));
    const session = await SchemaEngineSession.open({
      connection: connectionTo(db.widgets),
      schemaPath: join(prismaRoot, 'widgets/schema.prisma'),
    });
    try {
      expect(await session.applyMigrations(migrationsList)).toHaveLength(migrationsList.migrationDirectories.length);
    } finally {
      await session.close();
    }
    const [result] = await migrateFleet({ topology, prismaRoot, services: ['widgets'], monolith: false });
    expect(result).toMatchObject({ applied: [], skipped: migrationsList.migrationDirectories.length });
  });

  it('refuses to go on when an applied migration was edited, naming the target and the migration', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    await migrateFleet({ topology, prismaRoot, services: ['widgets'] });
    const [firstMigration] = await readLocalMigrations(join(prismaRoot, 'widgets/migrations'));
    const file = join(prismaRoot, 'widgets/migrations', firstMigration!.name, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- an afterthought\n`);

    const error = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'] }));
    expect(error.code).toBe('MIGRATION_EDITED');
    expect(error.migration).toBe(firstMigration!.name);
    expect(error.target).toBe(`local/local-primary/${db.widgets}`);
    expect(error.message).toContain('new migration');
  });

  it('refuses a target that has a migration the directory does not have', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology } = await freshTopology();
    await migrateFleet({ topology, prismaRoot, services: ['widgets'] });
    const migrations = await readLocalMigrations(join(prismaRoot, 'widgets/migrations'));
    await rm(join(prismaRoot, 'widgets/migrations', migrations.at(-1)!.name), { recursive: true });

    const error = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'] }));
    expect(error).toMatchObject({ code: 'MIGRATION_MISSING_LOCALLY', migration: migrations.at(-1)!.name });
  });

  it('rolls a failing migration back, records it as failed, blocks reruns until it is resolved', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    const broken = join(prismaRoot, 'widgets/migrations/29990101000000_broken');
    await mkdir(broken);
    await writeFile(join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n');

    const error = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'] }));
    expect(error).toMatchObject({
      code: 'MIGRATION_FAILED',
      migration: '29990101000000_broken',
      target: `local/local-primary/${db.widgets}`,
    });
    expect(error.cause).toMatchObject({ code: '22012' }); // division_by_zero
    // rolled back: the first statement left nothing behind; the migrations before it stay applied
    expect(await tablesIn(db.widgets, 'public')).toEqual(['_prisma_migrations', 'owners', 'widgets']);
    const [failed] = await query<{ finished_at: Date | null; rolled_back_at: Date | null; logs: string }>(
      db.widgets,
      `SELECT finished_at, rolled_back_at, logs FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'`,
    );
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null });
    expect(failed!.logs).toContain('division by zero');

    // Prisma reads the same history the same way
    const migrationsList = await readMigrationsList(join(prismaRoot, 'widgets/migrations'));
    const session = await SchemaEngineSession.open({
      connection: connectionTo(db.widgets),
      schemaPath: join(prismaRoot, 'widgets/schema.prisma'),
    });
    try {
      expect((await session.diagnoseMigrationHistory(migrationsList)).failedMigrationNames).toEqual(['29990101000000_broken']);
    } finally {
      await session.close();
    }

    const blocked = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'] }));
    expect(blocked).toMatchObject({ code: 'MIGRATION_FAILED_PREVIOUSLY', migration: '29990101000000_broken' });
    expect(blocked.message).toContain('resolve.mjs');
    expect(blocked.message).toContain('division by zero');

    // fix the migration, resolve the failed attempt with the CLI the message names, rerun
    await writeFile(join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    const url = `postgresql://${server.user}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${db.widgets}`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(workspaceRoot, 'tools/prisma/resolve.mjs'), '--url', url, '--rolled-back', '29990101000000_broken'],
      { cwd: workspaceRoot },
    );
    expect(stdout).toContain('marked rolled back');
    const [result] = await migrateFleet({ topology, prismaRoot, services: ['widgets'], monolith: false });
    expect(result!.applied).toEqual(['29990101000000_broken']);
    expect(await tablesIn(db.widgets, 'public')).toContain('half_done');
  });

  it('runs a CREATE INDEX CONCURRENTLY migration without a transaction, as Prisma does, on every target', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    const concurrent = join(prismaRoot, 'widgets/migrations/29990101000000_owner_name_index');
    await mkdir(concurrent);
    await writeFile(
      join(concurrent, 'migration.sql'),
      '-- Built without blocking writes.\nCREATE INDEX CONCURRENTLY "owners_name_idx" ON "owners"("name");\n',
    );

    const results = await migrateFleet({ topology, prismaRoot, services: ['widgets'] });
    for (const result of results) expect(result.applied).toContain('29990101000000_owner_name_index');
    for (const [database, schema] of [
      [db.widgets, 'public'],
      [db.monolith, 'widgets'],
    ] as const) {
      const [index] = await query<{ valid: boolean }>(
        database,
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = 'owners_name_idx' AND n.nspname = $1`,
        [schema],
      );
      expect(index).toEqual({ valid: true });
      const [record] = await query<{ finished_at: Date | null; applied_steps_count: number }>(
        database,
        `SELECT finished_at, applied_steps_count FROM ${schema}._prisma_migrations WHERE migration_name = '29990101000000_owner_name_index'`,
      );
      expect(record!.finished_at).toBeInstanceOf(Date);
      expect(record!.applied_steps_count).toBe(1);
    }
  });

  it('refuses a CONCURRENTLY statement mixed with others, saying to give it a migration of its own', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    const mixed = join(prismaRoot, 'widgets/migrations/29990101000000_mixed');
    await mkdir(mixed);
    await writeFile(
      join(mixed, 'migration.sql'),
      'CREATE TABLE gadgets (id int);\nCREATE INDEX CONCURRENTLY gadgets_idx ON gadgets (id);\n',
    );

    const error = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'], monolith: false }));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', migration: '29990101000000_mixed' });
    expect(error.cause).toMatchObject({ code: '25001' }); // active_sql_transaction
    expect(error.message).toContain('must be alone in its migration');
    // PostgreSQL ran the script as one implicit transaction: nothing of it stayed
    expect(await tablesIn(db.widgets, 'public')).toEqual(['_prisma_migrations', 'owners', 'widgets']);
    const blocked = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'], monolith: false }));
    expect(blocked).toMatchObject({ code: 'MIGRATION_FAILED_PREVIOUSLY', migration: '29990101000000_mixed' });
  });

  it('marks a failed attempt rolled back only once (MigrationsTable.markRolledBack)', async () => {
    const { db } = await freshTopology();
    const client = new pg.Client(connectionTo(db.widgets));
    await client.connect();
    try {
      const table = new MigrationsTable('public');
      await table.ensureExists(client);
      await table.recordFailed(client, crypto.randomUUID(), '1_x', 'abc', new Date(), 'boom');
      expect(await table.markRolledBack(client, '1_x')).toBe(1);
      expect(await table.markRolledBack(client, '1_x')).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('two concurrent runs apply each migration once per target (advisory lock)', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology({ sharded: true });
    const migrations = (await readLocalMigrations(join(prismaRoot, 'widgets/migrations'))).map((m) => m.name);
    const [a, b] = await Promise.all([migrateFleet({ topology, prismaRoot }), migrateFleet({ topology, prismaRoot })]);
    for (let i = 0; i < a.length; i++) {
      // between the two runs, every migration was applied exactly once on this target
      expect([...a[i]!.applied, ...b[i]!.applied].sort()).toEqual([...migrations].sort());
    }
    for (const database of [db.widgets, db.home, db.shardA, db.shardB]) {
      const rows = await query<{ n: string }>(database, `SELECT count(*) AS n FROM _prisma_migrations`);
      expect(Number(rows[0]!.n)).toBe(migrations.length);
    }
  });

  it("waits for Prisma's migration lock, and gives up with a clear error when it is held too long", async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology, db } = await freshTopology();
    const holder = new pg.Client(connectionTo(db.widgets));
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
      const error = await failure(migrateFleet({ topology, prismaRoot, services: ['widgets'], lockTimeoutMs: 200 }));
      expect(error).toMatchObject({ code: 'MIGRATION_TARGET_UNAVAILABLE', target: `local/local-primary/${db.widgets}` });
      expect(error.message).toContain('holds the migration lock');
      expect(await tablesIn(db.widgets, 'public')).toEqual([]);
    } finally {
      await holder.end();
    }
    const [result] = await migrateFleet({ topology, prismaRoot, services: ['widgets'], monolith: false });
    expect(result!.skipped).toBe(0);
  });

  it('reports an unreachable target as MIGRATION_TARGET_UNAVAILABLE without its password', async () => {
    const prismaRoot = await fixturePrismaRoot();
    const { topology } = await freshTopology();
    const unreachable = structuredClone(topology);
    unreachable.clusters['local']!.primary.port = 1; // nothing listens on port 1
    const error = await failure(migrateFleet({ topology: unreachable, prismaRoot, services: ['widgets'] }));
    expect(error.code).toBe('MIGRATION_TARGET_UNAVAILABLE');
    expect(error.message).not.toContain(server.password);
  });

  it('refuses a named service that has no migrations directory', async () => {
    const { topology } = await freshTopology();
    const error = await failure(migrateFleet({ topology, prismaRoot: await mkdtemp(join(scratchDir, 'empty-')), services: ['widgets'] }));
    expect(error.code).toBe('MIGRATION_SERVICE_UNKNOWN');
  });
});
