import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, Uuidv7Generator, type DataSource, type ShardedClient } from '@neo/data';
import { migrateFleet } from '@neo/data/migrations';
import { pgClientConfig, topologySchema, type Topology } from '@neo/topology';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { PrismaClient } from '../../../storage/src/generated/prisma/client.js';
import { rollOverShards, ShardRolloverRefusal } from './roll-over-shards.js';

const prismaRoot = fileURLToPath(new URL('../../../../prisma', import.meta.url));

/** Before the window: 2027 is more than 30 days away. Inside it: 2027 is routed to its own shard. */
const BEFORE_WINDOW = new Date('2026-11-15T12:00:00Z');
const IN_WINDOW = new Date('2026-12-15T12:00:00Z');

/** Storage on one cluster with its yearly shards and a rollover, and a second service whose roles must not reach storage's databases. */
const declared = topologySchema.parse({
  version: 1,
  clusters: {
    core: { temperature: 'hot', credentials: { user: 'neo_core_user', password: 'core-secret' }, primary: { name: 'core-primary' } },
  },
  services: {
    storage: {
      cluster: 'core',
      database: 'neo_storage',
      roles: {
        owner: { user: 'neo_storage_owner', password: 'owner-secret' },
        app: { user: 'neo_storage_app', password: 'app-secret' },
        readonly: { user: 'neo_storage_ro', password: 'ro-secret' },
      },
      sharding: {
        strategy: 'range',
        key: 'createdDate',
        models: ['StorageObject'],
        shards: [
          { name: 'storage_2025', database: 'neo_storage_2025', range: { from: '2025-01-01', to: '2026-01-01' } },
          { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
        ],
        rollover: { every: 'year', aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' },
      },
    },
    security: {
      cluster: 'core',
      database: 'neo_security',
      roles: {
        owner: { user: 'neo_security_owner', password: 'security-owner-secret' },
        app: { user: 'neo_security_app', password: 'security-app-secret' },
      },
    },
  },
  monolith: { cluster: 'core' },
});

let running: RunningTopology;
let topology: Topology;
const lines: string[] = [];

/** A session on the core primary as `user` (the superuser when none is given). */
async function connect(database: string, user?: { user: string; password: string }): Promise<pg.Client> {
  const primary = topology.clusters['core']!.primary;
  const login = user ?? running.admin['core']!;
  const client = new pg.Client({
    ...pgClientConfig({
      host: primary.host!,
      port: primary.port!,
      ...login,
      database,
      ...(topology.clusters['core']!.tls ? { tls: topology.clusters['core']!.tls } : {}),
    }),
  });
  await client.connect();
  return client;
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = await connect(database);
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const maintain = (now: Date) =>
  rollOverShards({
    topology,
    admin: (cluster) => running.admin[cluster]!,
    prismaRoot,
    now,
    log: (line) => void lines.push(line),
  });

function objectAt(key: string, at: Date) {
  return {
    id: new Uuidv7Generator(() => at.getTime()).next(),
    key,
    owner: 'rollover-test',
    size: 1n,
    contentHash: 'ab'.repeat(32),
    contentType: null,
    createdDate: at,
  };
}

/** What a rerun must leave alone: databases, their owners and ACLs, and the migrations applied to next year's shard. */
async function snapshot() {
  const databases = await query(
    'postgres',
    `select datname, pg_get_userbyid(datdba) as owner, datacl::text from pg_database where datname like 'neo_storage%' order by datname`,
  );
  const migrations = await query('neo_storage_2027', 'select migration_name, finished_at from _prisma_migrations order by migration_name');
  const grants = await query(
    'neo_storage_2027',
    `select grantee, privilege_type from information_schema.role_table_grants where table_name = 'storage_objects' order by grantee, privilege_type`,
  );
  return { databases, migrations, grants };
}

beforeAll(async () => {
  running = await startTopology(declared, { provider: 'embedded' });
  topology = running.topology;
  await migrateFleet({ topology, services: ['storage'], monolith: false, prismaRoot, now: BEFORE_WINDOW });
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

describe("next year's storage shard, made ahead of time", () => {
  it('does nothing before January 1 minus aheadDays', async () => {
    expect(await maintain(BEFORE_WINDOW)).toEqual([]);
    expect(await query('postgres', `select 1 from pg_database where datname = 'neo_storage_2027'`)).toEqual([]);
  });

  it('refuses, creating nothing, while the open-ended shard holds rows dated next year, and says how many and what to do', async () => {
    const early = objectAt('sent-with-a-future-date', new Date('2027-01-05T08:00:00Z'));
    await query(
      'neo_storage_2026',
      'insert into storage_objects (id, key, owner, size, content_hash, created_date) values ($1, $2, $3, $4, $5, $6)',
      [early.id, early.key, early.owner, early.size.toString(), early.contentHash, early.createdDate],
    );
    try {
      const refusal = await maintain(IN_WINDOW).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ShardRolloverRefusal);
      expect((refusal as Error).message).toMatch(
        /storage shard storage_2026 \(core\/neo_storage_2026\) already holds 1 row\(s\) of StorageObject \(storage_objects\) dated 2027-01-05T08:00:00\.000Z/,
      );
      expect((refusal as Error).message).toMatch(/nothing was created.*correct their createdDate.*run neo-db maintain storage again/);
      expect(await query('postgres', `select 1 from pg_database where datname = 'neo_storage_2027'`)).toEqual([]);
    } finally {
      await query('neo_storage_2026', 'delete from storage_objects where id = $1', [early.id]);
    }
  });

  it('creates and migrates neo_storage_2027 with the grants of a declared shard', async () => {
    // The roles' password verifiers stay as they are: PgBouncer logs in with the ones it read at start.
    const verifiers = () =>
      query<{ rolname: string; rolpassword: string }>(
        'postgres',
        `select rolname, rolpassword from pg_authid where rolname like 'neo_storage_%' order by 1`,
      );
    const before = await verifiers();
    expect(await maintain(IN_WINDOW)).toEqual([
      { service: 'storage', shard: 'storage_2027', cluster: 'core', database: 'neo_storage_2027', created: true },
    ]);
    const [database] = await query<{ owner: string }>(
      'postgres',
      `select pg_get_userbyid(datdba) as owner from pg_database where datname = 'neo_storage_2027'`,
    );
    expect(database?.owner).toBe('neo_storage_owner');
    const applied = await query<{ migration_name: string }>(
      'neo_storage_2027',
      'select migration_name from _prisma_migrations where finished_at is not null',
    );
    const appliedOn2026 = await query<{ migration_name: string }>(
      'neo_storage_2026',
      'select migration_name from _prisma_migrations where finished_at is not null',
    );
    expect(applied.map((row) => row.migration_name).sort()).toEqual(appliedOn2026.map((row) => row.migration_name).sort());

    // The app role connects and writes; another service's role is not let in.
    const app = await connect('neo_storage_2027', { user: 'neo_storage_app', password: 'app-secret' });
    try {
      const row = objectAt('written-by-app', new Date('2027-02-01T00:00:00Z'));
      await app.query('insert into storage_objects (id, key, owner, size, content_hash, created_date) values ($1, $2, $3, $4, $5, $6)', [
        row.id,
        row.key,
        row.owner,
        row.size.toString(),
        row.contentHash,
        row.createdDate,
      ]);
      await app.query('delete from storage_objects where id = $1', [row.id]);
      await expect(app.query('create table not_allowed (id int)')).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
    await expect(connect('neo_storage_2027', { user: 'neo_security_app', password: 'security-app-secret' })).rejects.toThrow(
      /permission denied for database "neo_storage_2027"/,
    );
    const readonly = await connect('neo_storage_2027', { user: 'neo_storage_ro', password: 'ro-secret' });
    await readonly.end();
    expect(await verifiers()).toEqual(before);
  });

  it("routes next year's keys to the new shard and this year's to the old one, from inside the window", async () => {
    let source: DataSource<ShardedClient<PrismaClient>> | undefined;
    try {
      source = createDataSource({
        service: 'storage',
        topology,
        createClient: (adapter) => new PrismaClient({ adapter }),
        sharding: { now: IN_WINDOW },
      }) as DataSource<ShardedClient<PrismaClient>>;
      const db = source.client;
      expect(db.$shards().names).toEqual(['storage_2025', 'storage_2026', 'storage_2027']);
      await db.storageObject.create({ data: objectAt('next-year', new Date('2027-01-01T00:00:00Z')) });
      await db.storageObject.create({ data: objectAt('this-year', new Date('2026-12-31T23:59:59.999Z')) });
      const onShard = async (database: string) =>
        (await query<{ key: string }>(database, `select key from storage_objects where owner = 'rollover-test' order by key`)).map(
          (row) => row.key,
        );
      expect(await onShard('neo_storage_2027')).toEqual(['next-year']);
      expect(await onShard('neo_storage_2026')).toEqual(['this-year']);
    } finally {
      await source?.close();
    }
  });

  it('changes nothing when run again, or by two instances at once', async () => {
    const before = await snapshot();
    const [first, second] = await Promise.all([maintain(IN_WINDOW), maintain(IN_WINDOW)]);
    expect(first).toEqual([{ service: 'storage', shard: 'storage_2027', cluster: 'core', database: 'neo_storage_2027', created: false }]);
    expect(second).toEqual(first);
    expect(await snapshot()).toEqual(before);
  });
});
