import { readdirSync, existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startScratchPostgres, type ScratchPostgres } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTarget, readLocalMigrations } from '@neo/data/migrations';
import { SchemaEngineSession } from '../../libs/data/src/migrations/schema-engine/schema-engine-session.js';

// Every service's schema against its migrations: a test of each service's prisma/ folder and the migration tooling together.
const prismaRoot = fileURLToPath(new URL('../../prisma', import.meta.url));

/**
 * Every service schema (`prisma/<service>/schema.prisma`), plus the migration tooling's own
 * fixture. Other `_`-prefixed folders are client-only test fixtures without migrations.
 */
const schemas = readdirSync(prismaRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(prismaRoot, entry.name, 'schema.prisma')))
  .map((entry) => entry.name)
  .filter((name) => !name.startsWith('_') || name === '_fixture')
  .sort();

let server: ScratchPostgres;
let admin: pg.Client;
let databaseCounter = 0;

beforeAll(async () => {
  server = await startScratchPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

async function emptyDatabase(): Promise<pg.ClientConfig> {
  const database = `drift_${++databaseCounter}`;
  await admin.query(`CREATE DATABASE ${database}`);
  return { host: server.host, port: server.port, user: server.user, password: server.password, database };
}

/** Applies a service's migrations to an empty database and returns what Prisma says is still missing (null: nothing). */
async function driftAfterMigrations(serviceDir: string): Promise<string | null> {
  const connection = await emptyDatabase();
  await migrateTarget({ label: `drift/${connection.database}`, connection }, await readLocalMigrations(join(serviceDir, 'migrations')));
  const session = await SchemaEngineSession.open({ connection, schemaPath: join(serviceDir, 'schema.prisma') });
  try {
    return await session.diffDatabaseToSchema();
  } finally {
    await session.close();
  }
}

describe('no drift: migrations build exactly what schema.prisma describes', () => {
  it('finds the service schemas', () => {
    expect(schemas).toContain('_fixture');
  });

  it.each(schemas)('prisma/%s', async (service) => {
    const serviceDir = join(prismaRoot, service);
    expect(
      (await readLocalMigrations(join(serviceDir, 'migrations'))).length,
      `prisma/${service} has no migrations: create them with npm run prisma:migrate:create -- ${service} init`,
    ).toBeGreaterThan(0);
    const drift = await driftAfterMigrations(serviceDir);
    expect(
      drift,
      `prisma/${service}/schema.prisma describes more than its migrations build. Create the missing migration with ` +
        `npm run prisma:migrate:create -- ${service} <name>. Missing:\n${drift}`,
    ).toBeNull();
  });

  it('notices a schema change that has no migration', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'neo-drift-'));
    try {
      await cp(join(prismaRoot, '_fixture'), copy, { recursive: true });
      await appendFile(join(copy, 'schema.prisma'), '\nmodel Forgotten {\n  id Int @id\n}\n');
      expect(await driftAfterMigrations(copy)).toContain('CREATE TABLE "Forgotten"');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
