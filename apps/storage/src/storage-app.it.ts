import type { INestApplication } from '@nestjs/common';
import { loadTopology, type DataSource, type Topology } from '@neo/data';
import { DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { sideDefinitions, sideFlags } from '@neo/service-testing';
import { startScratchPostgres, useSharedTopology, type ScratchPostgres } from '@neo/testing';
import getPort from 'get-port';
import pg from 'pg';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageApp } from './create-storage-app.js';

const HASH = 'c0ffee'.repeat(10) + 'c0ff';

type Server = { host: string; port: number; user: string; password?: string };

/** A cluster whose only server is one of the test's own, which it may stop. */
function clusterOn(server: Server, primary: string, temperature: 'hot' | 'warm') {
  return {
    temperature,
    credentials: { user: server.user, ...(server.password ? { password: server.password } : {}) },
    primary: { name: primary, host: server.host, port: server.port },
    pool: { max: 4, connectionTimeoutMs: 2_000 },
  };
}

/** A topology with the storage service's database on one server of the test's own (the monolith on the same one). */
function storageTopology(server: Server): Topology {
  return loadTopology({
    object: {
      version: 1,
      clusters: { core: clusterOn(server, 'core-primary', 'hot') },
      services: { storage: { cluster: 'core', database: 'neo_storage' } },
      monolith: { cluster: 'core' },
    },
  });
}

/** Storage on one server of the test's own, the monolith on another: either side can be stopped alone. */
function twoSidedTopology(own: Server, monolith: Server): Topology {
  return loadTopology({
    object: {
      version: 1,
      clusters: { core: clusterOn(own, 'core-primary', 'hot'), monolith: clusterOn(monolith, 'monolith-primary', 'warm') },
      services: { storage: { cluster: 'core', database: 'neo_storage' } },
      monolith: { cluster: 'monolith', database: 'neo_service_layer' },
    },
  });
}

async function createDatabase(server: ScratchPostgres, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`).finally(() => admin.end());
}

/** Creates neo_storage on a server of the test's own and applies the storage migrations with the fleet migrator. */
async function createStorageDatabase(server: ScratchPostgres): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE neo_storage').finally(() => admin.end());
  await migrateFleet({ topology: storageTopology(server), services: ['storage'], monolith: false });
}

/** Owners unique to this run, so reruns against a kept data directory start from empty listings. */
const owner = (name: string): string => `${name}-${randomUUID()}`;

interface StoredObject {
  id: string;
  key: string;
}

function poolsOf(app: INestApplication) {
  return app.get<DataSource>(DATA_SOURCE).nodes.map(({ pool }) => pool);
}

describe('storage service on the shared test topology', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: ['storage'], monolith: false });
    app = await createStorageApp({ topology }, { logger: false });
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Requests as one user: read-your-writes holds per user (`x-user-id`), so each read sees that user's writes before it. */
  const asUser = (user: string) => request.agent(app.getHttpServer()).set('x-user-id', user);

  it('creates, reads, lists page by page, deletes, then answers 404', async () => {
    const alice = owner('alice');
    const http = asUser(alice);
    const keys = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt'];
    const created: StoredObject[] = [];
    for (const key of keys) {
      const response = await http.post('/objects').send({ key, owner: alice, size: 9_007_199_254_740_991, contentHash: HASH }).expect(201);
      created.push(response.body);
    }
    await http
      .post('/objects')
      .send({ key: 'a.txt', owner: owner('bob'), size: 1, contentHash: HASH, contentType: 'text/plain' })
      .expect(201);

    const [first, , third] = created as [StoredObject, StoredObject, StoredObject, ...StoredObject[]];
    const one = await http.get(`/objects/${first.id}`).expect(200);
    expect(one.body).toEqual({
      id: first.id,
      key: 'a.txt',
      owner: alice,
      size: 9_007_199_254_740_991,
      contentHash: HASH,
      contentType: null,
      createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get('/objects')
        .query({ owner: alice, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      listed.push(...page.body.items.map((item: { key: string }) => item.key));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toEqual([...keys].reverse());

    await http.delete(`/objects/${third.id}`).expect(204);
    await http.get(`/objects/${third.id}`).expect(404);
    await http.delete(`/objects/${third.id}`).expect(404);
    const afterDelete = await http.get('/objects').query({ owner: alice, limit: 10 }).expect(200);
    expect(afterDelete.body.items.map((item: { key: string }) => item.key)).toEqual(['e.txt', 'd.txt', 'b.txt', 'a.txt']);
  });

  it('answers 409 for a duplicate owner and key, and keeps the first object', async () => {
    const carol = owner('carol');
    const http = asUser(carol);
    const first = await http.post('/objects').send({ key: 'dup', owner: carol, size: 1, contentHash: HASH }).expect(201);
    const conflict = await http.post('/objects').send({ key: 'dup', owner: carol, size: 2, contentHash: HASH }).expect(409);
    expect(conflict.body.message).toMatch(/carol.*dup/);
    const list = await http.get('/objects').query({ owner: carol }).expect(200);
    expect(list.body.items).toEqual([first.body]);
  });

  it('answers 400 naming the field, and writes nothing', async () => {
    const dave = owner('dave');
    const bad = await http.post('/objects').send({ key: 'x', owner: dave, size: -5, contentHash: 'nothex' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('size');
    expect(JSON.stringify(bad.body.message)).toContain('contentHash');
    await http.get('/objects/12345').expect(400);
    const list = await http.get('/objects').query({ owner: dave }).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('says what is actually wrong with a field: missing, of the wrong type, then out of range', async () => {
    const missingKey = await http
      .post('/objects')
      .send({ owner: owner('ivan'), size: 1, contentHash: HASH })
      .expect(400);
    expect(missingKey.body).toMatchObject({ code: 'INVALID_REQUEST', message: ['key is required'], fields: [{ field: 'key' }] });
    const textSize = await http
      .post('/objects')
      .send({ key: 'k', owner: owner('ivan'), size: '12', contentHash: HASH })
      .expect(400);
    expect(textSize.body.message).toEqual(['size must be an integer number']);
    const negative = await http
      .post('/objects')
      .send({ key: 'k', owner: owner('ivan'), size: -1, contentHash: HASH })
      .expect(400);
    expect(negative.body.message).toEqual(['size must not be less than 0']);
    const notANumber = await http
      .get('/objects')
      .query({ owner: owner('ivan'), limit: 'abc' })
      .expect(400);
    expect(notANumber.body.message).toEqual(['limit must be an integer number']);
    const tooMany = await http
      .get('/objects')
      .query({ owner: owner('ivan'), limit: '1000' })
      .expect(400);
    expect(tooMany.body.message).toEqual(['limit must not be greater than 100']);
    const unknown = await http
      .post('/objects')
      .send({ key: 'k', owner: owner('ivan'), size: 1, contentHash: HASH, bucket: 'b' })
      .expect(400);
    expect(unknown.body.message).toEqual(['bucket is not a field of this request; remove it']);
  });

  it('serves reads from the replica, and its metrics on GET /metrics', async () => {
    const source = app.get<DataSource>(DATA_SOURCE);
    await source.ready();
    const erin = owner('erin');
    const replicaReads = () =>
      source.status!()
        .filter((node) => node.role === 'replica')
        .reduce((sum, node) => sum + node.stats.reads, 0);
    const primaryReads = () =>
      source.status!()
        .filter((node) => node.role === 'primary')
        .reduce((sum, node) => sum + node.stats.reads, 0);
    // A first listing lets each shard's clients make their first query (Prisma compiles its
    // query engine then, which can hold the event loop long enough for a lag sample to age).
    await http.get('/objects').query({ owner: erin }).expect(200);
    const replicasInRotation = () =>
      source.status!()
        .filter((node) => node.role === 'replica')
        .every((node) => node.inRotation === true);
    // On a loaded machine a lag sample can still age past its bound during a round, and reads then
    // rightly fall back to the primary: a round counts only when every read went to a replica.
    let servedByReplicas = false;
    for (let round = 0; round < 3 && !servedByReplicas; round++) {
      await expect.poll(replicasInRotation, { timeout: 10_000 }).toBe(true);
      const before = replicaReads();
      const primaryReadsBefore = primaryReads();
      for (let i = 0; i < 5; i++) await http.get('/objects').query({ owner: erin }).expect(200);
      // At least one read per request, on the replicas (more when a listing reads every shard), none on a primary.
      servedByReplicas = replicaReads() - before >= 5 && primaryReads() === primaryReadsBefore;
    }
    expect(servedByReplicas).toBe(true);
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /neo_data_queries_total\{[^}]*node="core\/core-replica-1",role="replica",operation="findMany"[^}]*service="storage"\} [1-9]/,
    );
    // Objects live on the date-ranged shards (neo_storage_2024, …), each with its replica.
    expect(metrics.text).toMatch(/neo_data_replica_lag_seconds\{database="neo_storage_\d{4}",node="core\/core-replica-1"/);
  });

  it('reports every shard primary healthy on GET /health', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    const up = { role: 'primary', status: 'up' };
    expect(health.body.info.database).toMatchObject({
      status: 'up',
      service: 'storage',
      nodes: {
        'core/core-primary/neo_storage_2024': up,
        'core/core-primary/neo_storage_2025': up,
        'core/core-primary/neo_storage_2026': up,
      },
    });
  });
});

describe('storage service when its database is down', () => {
  it('answers 503 on /health and on data calls when the primary is stopped, with no connection details', async () => {
    const server = await startScratchPostgres();
    let app: INestApplication | undefined;
    try {
      await createStorageDatabase(server);
      app = await createStorageApp({ topology: storageTopology(server), healthTimeoutMs: 1_000 }, { logger: false });
      await app.init();
      const http = request(app.getHttpServer());
      const erin = owner('erin');
      await http.post('/objects').send({ key: 'k', owner: erin, size: 1, contentHash: HASH }).expect(201);
      await http.get('/health').expect(200);

      await server.stop();

      const health = await http.get('/health').expect(503);
      expect(health.body.status).toBe('error');
      expect(health.body.error.database).toMatchObject({ status: 'down', nodes: { 'core/core-primary/neo_storage': { status: 'down' } } });
      const write = await http.post('/objects').send({ key: 'k2', owner: erin, size: 1, contentHash: HASH }).expect(503);
      const body = JSON.stringify([health.body, write.body]);
      expect(body).not.toContain(String(server.port));
      expect(body).not.toContain(server.password);
      expect(body).not.toMatch(/\bat\s.+:\d+:\d+/); // no stack frames
    } finally {
      await app?.close();
      await server.stop();
    }
  });

  it('reports only the side that serves it: its own database stopped while the monolith serves it is no outage', async () => {
    const [own, monolith] = await Promise.all([startScratchPostgres(), startScratchPostgres()]);
    const flags = sideFlags('storage', 'monolith');
    let app: INestApplication | undefined;
    try {
      await Promise.all([createDatabase(own, 'neo_storage'), createDatabase(monolith, 'neo_service_layer')]);
      const topology = twoSidedTopology(own, monolith);
      await migrateFleet({ topology, services: ['storage'], monolith: true });
      app = await createStorageApp({ topology, flags: { instance: flags }, healthTimeoutMs: 1_000 }, { logger: false });
      await app.init();
      const http = request(app.getHttpServer());
      expect((await http.get('/health/ready').expect(200)).body.status).toBe('ok');

      await own.stop();

      // Every write and every read without a user goes to the monolith, which answers: ready, and writes up.
      const ready = await http.get('/health/ready').expect(200);
      expect(ready.body.info.database).toMatchObject({
        writes: { status: 'up', side: 'monolith' },
        reads: { sides: ['monolith', 'service'] },
      });
      expect(ready.body.info.database.reads.status).not.toBe('down');
      const health = await http.get('/health').expect(200);
      expect(health.body.info.database.nodes).toMatchObject({
        'core/core-primary/neo_storage': { side: 'service', status: 'down' },
        'monolith/monolith-primary/neo_service_layer/storage': { side: 'monolith', status: 'up', inUse: true },
      });
      const erin = owner('erin');
      await http.post('/objects').send({ key: 'k', owner: erin, size: 1, contentHash: HASH }).expect(201);
      await http.get('/objects').query({ owner: erin }).expect(200);
      await http.get('/health/live').expect(200);

      // Once the flags send everything to the stopped side, reads cannot be served: not ready.
      flags.set(sideDefinitions('storage', 'service'));
      const down = await http.get('/health/ready').expect(503);
      expect(down.body.error.database).toMatchObject({
        reads: { status: 'down', sides: ['service'] },
        writes: { status: 'down', side: 'service' },
      });
    } finally {
      await app?.close();
      await flags.close();
      await Promise.all([own.stop(), monolith.stop()]);
    }
  });

  it('answers 503 on /health when the primary was never reachable', async () => {
    const closedPort = await getPort();
    const app = await createStorageApp(
      { topology: storageTopology({ host: '127.0.0.1', port: closedPort, user: 'postgres' }), healthTimeoutMs: 1_000 },
      { logger: false },
    );
    try {
      await app.init();
      const health = await request(app.getHttpServer()).get('/health').expect(503);
      expect(health.body.error.database.nodes['core/core-primary/neo_storage']).toEqual({
        role: 'primary',
        side: 'service',
        inUse: true,
        status: 'down',
        reason: 'ECONNREFUSED',
        // No query has failed yet: only the health probe has tried the node.
        breaker: 'closed',
      });
    } finally {
      await app.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('closes every pool when the application closes', async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: ['storage'], monolith: false });
    const app = await createStorageApp({ topology }, { logger: false });
    await app.init();
    // Open connections first, so there is something to close.
    const someone = owner('someone');
    await Promise.all(Array.from({ length: 3 }, () => request(app.getHttpServer()).get('/objects').query({ owner: someone }).expect(200)));
    const pools = poolsOf(app);
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.some((pool) => pool.totalCount > 0)).toBe(true);

    await app.close();

    for (const pool of pools) {
      expect(pool.ended).toBe(true);
      expect(pool.totalCount).toBe(0);
    }
  });
});
