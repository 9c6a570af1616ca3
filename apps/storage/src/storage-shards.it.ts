import type { INestApplication } from '@nestjs/common';
import { createDataSource, runWithRequestContext, ShardKeyOutOfRangeError, Uuidv7Generator, type Topology } from '@neo/data';
import { DATA_CLIENT } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { shardTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_SERVICE } from './app.module.js';
import { createStorageApp } from './create-storage-app.js';
import { PrismaClient } from './generated/prisma/client.js';
import type { StorageDb } from './storage-db.js';

const HASH = 'ab'.repeat(32);

let topology: Topology;
let app: INestApplication;
/** A plain `pg` pool on each shard's primary, by shard name: the tests look at the shard databases directly. */
const shardPools = new Map<string, pg.Pool>();

/** The shard holding `owner`'s rows, with their keys. */
async function placement(owner: string): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const [shard, pool] of shardPools) {
    const { rows } = await pool.query<{ key: string }>('SELECT key FROM storage_objects WHERE owner = $1 ORDER BY key', [owner]);
    if (rows.length > 0) found[shard] = rows.map((row) => row.key);
  }
  return found;
}

/** A row as the service makes it, but created at `at`: its UUIDv7 carries that instant. */
function objectAt(owner: string, key: string, at: Date) {
  return {
    id: new Uuidv7Generator(() => at.getTime()).next(),
    key,
    owner,
    size: 1n,
    contentHash: HASH,
    contentType: null,
    createdDate: at,
  };
}

beforeAll(async () => {
  ({ topology } = useSharedTopology());
  await migrateFleet({ topology, services: [STORAGE_SERVICE], monolith: false });
  for (const target of shardTargets(topology, STORAGE_SERVICE))
    shardPools.set(target.shard.name, new pg.Pool({ ...toPgPoolConfig(target.primary), max: 2 }));
  app = await createStorageApp({ topology }, { logger: false });
  await app.init();
});

afterAll(async () => {
  await app?.close();
  await Promise.allSettled([...shardPools.values()].map((pool) => pool.end()));
});

describe('storage objects on date-ranged shards (created_date: 2024, 2025, 2026-)', () => {
  it('puts each object on the shard of its creation date, reads it by id from there, and lists an owner across shards newest first', async () => {
    const owner = `frank-${randomUUID()}`;
    const db = app.get<StorageDb>(DATA_CLIENT);
    // Objects made in earlier years (the service itself stamps them with the current time).
    const old = [
      objectAt(owner, 'y2024.txt', new Date('2024-06-30T12:00:00Z')),
      objectAt(owner, 'y2025.txt', new Date('2025-12-31T23:59:59.999Z')),
    ];
    await runWithRequestContext({ userId: owner }, async () => {
      for (const row of old) await db.storageObject.create({ data: row });
    });
    const http = request.agent(app.getHttpServer()).set('x-user-id', owner);
    const fresh = await http.post('/objects').send({ key: 'now.txt', owner, size: 1, contentHash: HASH }).expect(201);

    expect(await placement(owner)).toEqual({ storage_2024: ['y2024.txt'], storage_2025: ['y2025.txt'], storage_2026: ['now.txt'] });

    // The id says the date, so a read or delete goes to the one shard holding it.
    const [in2024, in2025] = old as [ReturnType<typeof objectAt>, ReturnType<typeof objectAt>];
    expect((await http.get(`/objects/${in2024.id}`).expect(200)).body).toMatchObject({
      key: 'y2024.txt',
      createdDate: '2024-06-30T12:00:00.000Z',
    });

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get('/objects')
        .query({ owner, limit: 1, ...(cursor ? { cursor } : {}) })
        .expect(200);
      listed.push(...page.body.items.map((item: { key: string }) => item.key));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toEqual(['now.txt', 'y2025.txt', 'y2024.txt']);

    await http.delete(`/objects/${in2025.id}`).expect(204);
    expect(await placement(owner)).toEqual({ storage_2024: ['y2024.txt'], storage_2026: ['now.txt'] });
    // The key is taken while an object of another year (another shard) holds it.
    await http.post('/objects').send({ key: 'y2024.txt', owner, size: 1, contentHash: HASH }).expect(409);
    expect(fresh.body.createdDate.startsWith(String(new Date().getUTCFullYear()))).toBe(true);
  });

  it('refuses a creation date outside every shard when the last range is closed, and writes nothing', async () => {
    const closed = structuredClone(topology);
    const sharding = closed.services[STORAGE_SERVICE]!.sharding!;
    sharding.shards[sharding.shards.length - 1]!.range = { from: '2026-01-01', to: '2026-06-01' };
    const source = createDataSource({
      service: STORAGE_SERVICE,
      topology: closed,
      createClient: (adapter) => new PrismaClient({ adapter }),
    });
    const owner = `gina-${randomUUID()}`;
    try {
      const write = source.client.storageObject.create({ data: objectAt(owner, 'late.txt', new Date('2026-09-01T00:00:00Z')) });
      await expect(write).rejects.toBeInstanceOf(ShardKeyOutOfRangeError);
      await expect(write).rejects.toThrow(
        /No shard holds createdDate = Date\(2026-09-01T00:00:00.000Z\).*storage_2026 \[2026-01-01, 2026-06-01\)/,
      );
      // A date inside a range still works with the same source.
      await source.client.storageObject.create({ data: objectAt(owner, 'early.txt', new Date('2026-02-01T00:00:00Z')) });
    } finally {
      await source.close();
    }
    expect(await placement(owner)).toEqual({ storage_2026: ['early.txt'] });
  });

  it('answers 404 for an id dated outside every shard, and an empty page for a cursor dated there, as one database would', async () => {
    const owner = `hana-${randomUUID()}`;
    const http = request.agent(app.getHttpServer()).set('x-user-id', owner);
    await http.post('/objects').send({ key: 'now.txt', owner, size: 1, contentHash: HASH }).expect(201);
    // Before the first shard (2024-): a well-formed UUIDv7 that names no object.
    const before = new Uuidv7Generator(() => Date.parse('2020-06-01T00:00:00Z')).next();
    const missing = await http.get(`/objects/${before}`).expect(404);
    expect(JSON.stringify(missing.body)).toContain(before);
    await http.delete(`/objects/${before}`).expect(404);
    // A position before every shard: nothing is older, so the page is empty and the last one.
    const cursor = Buffer.from(JSON.stringify(['2020-06-01T00:00:00.000Z', randomUUID()])).toString('base64url');
    expect((await http.get('/objects').query({ owner, cursor }).expect(200)).body).toEqual({ items: [], nextCursor: null });
    expect(await placement(owner)).toEqual({ storage_2026: ['now.txt'] });
  });
});
