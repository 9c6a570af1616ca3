import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/sharding-fixture/client.js';

/**
 * Real shard databases for the sharding tests and benchmarks: `shardCount` databases
 * holding the fixture schema (prisma/_fixture_sharding) plus one unsharded database
 * with the same tables, to compare sharded answers with one database's answers.
 * All are created with the `C` collation, the merge's default string order.
 */
export interface ShardedFixture {
  shardNames: string[];
  /** A plain Prisma client per shard database, by shard name. */
  shardClients: Map<string, PrismaClient>;
  /** The unsharded comparison database. */
  single: PrismaClient;
  /** Database name per shard (and `single`). */
  databases: Map<string, string>;
  /** Runs SQL on one database (shard name or `single`). */
  sql(database: string, text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Empties every table everywhere. */
  truncateAll(): Promise<void>;
  /** Disconnects and drops every database it created. */
  dispose(): Promise<void>;
}

export interface ServerAccess {
  host: string;
  port: number;
  user: string;
  password?: string;
}

const TABLES_SQL = fileURLToPath(new URL('../../../../../prisma/_fixture_sharding/tables.sql', import.meta.url));

export async function createShardedFixture(
  server: ServerAccess,
  options: { shardCount?: number; poolMax?: number } = {},
): Promise<ShardedFixture> {
  const shardCount = options.shardCount ?? 4;
  const prefix = `shx_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const shardNames = Array.from({ length: shardCount }, (_, i) => `s${i}`);
  const databases = new Map([...shardNames, 'single'].map((name) => [name, `${prefix}_${name}`]));
  const admin = new pg.Client({ ...server, database: 'postgres' });
  await admin.connect();
  const created: string[] = [];
  const pools = new Map<string, pg.Pool>();
  const clients = new Map<string, PrismaClient>();
  const dispose = async () => {
    await Promise.allSettled([...clients.values()].map((client) => client.$disconnect()));
    await Promise.allSettled([...pools.values()].map((pool) => pool.end()));
    for (const database of created) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  };
  try {
    const tables = await readFile(TABLES_SQL, 'utf8');
    for (const [name, database] of databases) {
      await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
      created.push(database);
      const pool = new pg.Pool({ ...server, database, max: 2 });
      // Idle connections are cut when the database is dropped at the end; that is expected.
      pool.on('error', () => undefined);
      pools.set(name, pool);
      await pool.query(tables);
      const prismaPool = new pg.Pool({ ...server, database, max: options.poolMax ?? 4 });
      prismaPool.on('error', () => undefined);
      pools.set(`${name}:prisma`, prismaPool);
      clients.set(name, new PrismaClient({ adapter: new PrismaPg(prismaPool as unknown as ConstructorParameters<typeof PrismaPg>[0]) }));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  const tableNames = ['transaction_events', 'transactions', 'contracts', 'audit_entries', 'stored_objects'];
  return {
    shardNames,
    shardClients: new Map(shardNames.map((name) => [name, clients.get(name)!])),
    single: clients.get('single')!,
    databases,
    sql: (database, text, values) => pools.get(database)!.query(text, values),
    truncateAll: async () => {
      await Promise.all(
        [...databases.keys()].map((name) => pools.get(name)!.query(`TRUNCATE ${tableNames.join(', ')} RESTART IDENTITY CASCADE`)),
      );
    },
    dispose,
  };
}
