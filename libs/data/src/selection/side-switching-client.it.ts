// Integration tests need real servers, which only the test-only library starts.
import { startScratchPostgres, type ScratchPostgres } from '@neo/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { rolloutFlag, StaticFlagProvider, switchFlag } from '../flags/static.flag-provider.js';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { ConnectionSelector } from './connection-selector.js';
import { createSideSwitchingClient } from './side-switching-client.js';

/*
 * One generated Prisma client, twice: against the service's schema inside a monolith database
 * (adapter-pg's `schema` option) and against the service's own database. The switching client
 * sends each call to the side the flags choose.
 */
describe('a side-switching Prisma client', () => {
  let server: ScratchPostgres;
  let admin: pg.Client;
  let monolithPool: pg.Pool;
  let ownPool: pg.Pool;
  let monolith: PrismaClient;
  let own: PrismaClient;
  const flags = new StaticFlagProvider([]);
  const selector = new ConnectionSelector({ flags });

  const createItemTable = (schema: string) =>
    `create table ${schema}.item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())`;

  beforeAll(async () => {
    server = await startScratchPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('create database neo_service_layer');
    await admin.query('create database neo_storage');
    const monolithUrl = server.url.replace(/\/postgres$/, '/neo_service_layer');
    const ownUrl = server.url.replace(/\/postgres$/, '/neo_storage');
    const setup = new pg.Client({ connectionString: monolithUrl });
    await setup.connect();
    await setup.query('create schema storage');
    await setup.query(createItemTable('storage'));
    await setup.end();
    const setupOwn = new pg.Client({ connectionString: ownUrl });
    await setupOwn.connect();
    await setupOwn.query(createItemTable('public'));
    await setupOwn.end();
    monolithPool = new pg.Pool({ connectionString: monolithUrl, max: 2 });
    ownPool = new pg.Pool({ connectionString: ownUrl, max: 2 });
    // adapter-pg is typed against its own copy of @types/pg; the runtime Pool class is the same one.
    monolith = new PrismaClient({ adapter: new PrismaPg(monolithPool as never, { schema: 'storage' }) });
    own = new PrismaClient({ adapter: new PrismaPg(ownPool as never) });
  }, 180_000);

  afterAll(async () => {
    selector.close();
    await Promise.allSettled([monolith?.$disconnect(), own?.$disconnect()]);
    await Promise.allSettled([monolithPool?.end(), ownPool?.end()]);
    await admin?.end();
    await server?.stop();
  }, 60_000);

  async function namesIn(database: 'neo_service_layer' | 'neo_storage'): Promise<string[]> {
    const client = new pg.Client({ connectionString: server.url.replace(/\/postgres$/, `/${database}`) });
    await client.connect();
    try {
      const table = database === 'neo_service_layer' ? 'storage.item' : 'public.item';
      return (await client.query<{ name: string }>(`select name from ${table} order by id`)).rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  }

  it('writes and reads on the side the flags choose, per call', async () => {
    const db = createSideSwitchingClient({ service: 'storage', monolith, own, selector });

    flags.set([switchFlag('UseShardedDatabase.storage.writes', false), rolloutFlag('UseShardedDatabase.storage.reads', 0)]);
    await db.item.create({ data: { name: 'written-to-monolith' } });
    await db.$transaction([db.item.create({ data: { name: 'transaction-on-monolith' } })]);
    expect(await namesIn('neo_service_layer')).toEqual(['written-to-monolith', 'transaction-on-monolith']);
    expect(await namesIn('neo_storage')).toEqual([]);
    expect((await db.item.findMany()).map((item) => item.name)).toEqual(['written-to-monolith', 'transaction-on-monolith']);

    // All users read from the service side (still empty there), writes stay on the monolith.
    flags.set([switchFlag('UseShardedDatabase.storage.writes', false), rolloutFlag('UseShardedDatabase.storage.reads', 100)]);
    expect(await runWithRequestContext({ userId: 'alice' }, () => db.item.count())).toBe(0);
    expect(await db.item.count()).toBe(0);

    flags.set([switchFlag('UseShardedDatabase.storage.writes', true), rolloutFlag('UseShardedDatabase.storage.reads', 100)]);
    await runWithRequestContext({ userId: 'alice' }, () => db.item.create({ data: { name: 'written-to-service' } }));
    await db.$transaction(async (tx) => {
      await tx.item.create({ data: { name: 'interactive-transaction-on-service' } });
    });
    expect(await namesIn('neo_storage')).toEqual(['written-to-service', 'interactive-transaction-on-service']);
    expect(await namesIn('neo_service_layer')).toEqual(['written-to-monolith', 'transaction-on-monolith']);
    expect(await db.item.findFirst({ where: { name: 'written-to-service' } })).toMatchObject({ name: 'written-to-service' });
  });

  it('keeps switching sides under $extends, with a query and a result extension', async () => {
    const seen: string[] = [];
    const db = createSideSwitchingClient({ service: 'storage', monolith, own, selector })
      .$extends({
        query: {
          $allModels: {
            $allOperations({ operation, args, query }) {
              seen.push(operation);
              return query(args);
            },
          },
        },
      })
      .$extends({ result: { item: { shout: { needs: { name: true }, compute: (item) => item.name.toUpperCase() } } } });
    flags.set([switchFlag('UseShardedDatabase.storage.writes', false), rolloutFlag('UseShardedDatabase.storage.reads', 0)]);
    expect((await db.item.create({ data: { name: 'extended-on-monolith' } })).shout).toBe('EXTENDED-ON-MONOLITH');
    flags.set([switchFlag('UseShardedDatabase.storage.writes', true), rolloutFlag('UseShardedDatabase.storage.reads', 100)]);
    expect((await db.item.create({ data: { name: 'extended-on-service' } })).shout).toBe('EXTENDED-ON-SERVICE');
    expect(await namesIn('neo_service_layer')).toContain('extended-on-monolith');
    expect(await namesIn('neo_service_layer')).not.toContain('extended-on-service');
    expect(await namesIn('neo_storage')).toContain('extended-on-service');
    const found = await db.item.findFirst({ where: { name: 'extended-on-service' } });
    expect(found?.shout).toBe('EXTENDED-ON-SERVICE');
    expect(seen).toEqual(['create', 'create', 'findFirst']);
  });
});
