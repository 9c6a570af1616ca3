import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { serviceTargets, type CacheSettings } from '@neo/topology';
import { uuidv7, type DataSource, type NodeStatus, type Topology } from '@neo/data';
import { useSharedTopology, withClient } from '@neo/testing';
import getPort from 'get-port';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApp } from './create-oracle-app.js';
import type { OracleAppConfig } from './app.module.js';

/*
 * The oracle service on the shared test topology: the blockchain cluster, a primary and two
 * streaming replicas (NEO_TEST_CLUSTERS=blockchain, see vitest.config.ts).
 */

const REPLICAS = ['blockchain-replica-1', 'blockchain-replica-2'] as const;
const REDIS_URL = process.env['NEO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

type Http = ReturnType<typeof request>;

/** The topology with the oracle's cache replaced, e.g. a short TTL or Redis. */
function withCache(topology: Topology, cache: CacheSettings): Topology {
  return { ...topology, services: { ...topology.services, oracle: { ...topology.services['oracle']!, cache } } };
}

async function startApp(config: OracleAppConfig): Promise<{ app: INestApplication; http: Http; source: DataSource }> {
  const app = await createOracleApp(config, { logger: false });
  // Listening on a port of its own, like in production (and so concurrent requests share one server).
  await app.listen(0, '127.0.0.1');
  const source = app.get<DataSource>(DATA_SOURCE);
  await source.ready();
  return { app, http: request(await app.getUrl()), source };
}

/** Feed names unique to this run, so reruns against kept data never collide. */
const feedName = (name: string): string => `${name}-${randomUUID().slice(0, 8)}`;

/** Registers a feed as `user`: that user's next reads see it (read-your-writes), whichever node serves them. */
async function registerFeed(http: Http, decimals = 2, user = 'test-user'): Promise<string> {
  const response = await http
    .post('/feeds')
    .set('x-user-id', user)
    .send({ name: feedName('NEO/USD'), decimals, source: 'test' })
    .expect(201);
  return response.body.id as string;
}

/** Sum of one counter over the nodes of a role. */
function total(statuses: readonly NodeStatus[], role: NodeStatus['role'], counter: 'reads' | 'writes'): number {
  return statuses.filter((status) => status.role === role).reduce((sum, status) => sum + status.stats[counter], 0);
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

describe('oracle service on the shared blockchain cluster', () => {
  let shared: ReturnType<typeof useSharedTopology>;
  let app: INestApplication;
  let http: Http;
  let source: DataSource;

  /** Runs SQL on one node of the blockchain cluster as the superuser. */
  function onNode<T>(node: string, sql: string): Promise<T[]> {
    const endpoint = shared.endpoints[`blockchain/${node}`]!;
    const admin = shared.admin['blockchain']!;
    return withClient({ ...endpoint, ...admin, database: 'neo_oracle' }, async (client) => (await client.query(sql)).rows as T[]);
  }

  beforeAll(async () => {
    shared = useSharedTopology();
    await migrateFleet({ topology: shared.topology, services: ['oracle'], monolith: false });
    ({ app, http, source } = await startApp({ topology: shared.topology }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('registers feeds, publishes values and reads them back: latest, history page by page, the feed list', async () => {
    const name = feedName('GAS/USD');
    const feed = await http.post('/feeds').send({ name, description: 'GAS in US dollars', decimals: 4, source: 'binance' }).expect(201);
    expect(feed.body).toEqual({
      id: expect.any(String),
      name,
      description: 'GAS in US dollars',
      decimals: 4,
      source: 'binance',
      createdAt: expect.stringMatching(/^\d{4}-/),
    });
    const id = feed.body.id as string;
    await http.get(`/feeds/${id}/latest`).expect(404);

    // One user throughout: read-your-writes holds per user (x-user-id), so each read sees the writes before it.
    const user = { 'x-user-id': 'alice' };
    const published: string[] = [];
    for (const value of ['1', '2.5', '003.1415', '-0.0001', '123456789012345678901234567890']) {
      const response = await http.post(`/feeds/${id}/values`).set(user).send({ value }).expect(201);
      published.push(response.body.value);
    }
    expect(published).toEqual(['1.0000', '2.5000', '3.1415', '-0.0001', '123456789012345678901234567890.0000']);
    const observed = await http
      .post(`/feeds/${id}/values`)
      .set(user)
      .send({ value: '7.25', observedAt: '2026-01-31T12:00:00Z' })
      .expect(201);
    expect(observed.body).toMatchObject({ feedId: id, value: '7.2500', observedAt: '2026-01-31T12:00:00.000Z' });

    expect((await http.get(`/feeds/${id}/latest`).set(user).expect(200)).body).toEqual(observed.body);

    const history: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get(`/feeds/${id}/values`)
        .set(user)
        .query({ limit: 4, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(4);
      history.push(...page.body.items.map((item: { value: string }) => item.value));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(history).toEqual(['7.2500', ...[...published].reverse()]);

    expect((await http.get(`/feeds/${id}`).set(user).expect(200)).body).toEqual(feed.body);
    const listed: string[] = [];
    cursor = null;
    do {
      const page: request.Response = await http
        .get('/feeds')
        .query({ limit: 50, ...(cursor ? { cursor } : {}) })
        .expect(200);
      listed.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toContain(id);
  });

  it('answers 400 for invalid input, 404 for an unknown feed, 409 for a taken name, and writes nothing', async () => {
    const id = await registerFeed(http, 2);
    const noName = await http.post('/feeds').send({ decimals: 2, source: 's' }).expect(400);
    expect(JSON.stringify(noName.body.message)).toContain('name');
    await http
      .post('/feeds')
      .send({ name: feedName('x'), decimals: 19, source: 's' })
      .expect(400);
    await http
      .post('/feeds')
      .send({ name: feedName('x'), decimals: 2, source: 's', extra: true })
      .expect(400);

    const tooPrecise = await http.post(`/feeds/${id}/values`).send({ value: '1.234' }).expect(400);
    expect(tooPrecise.body).toMatchObject({ code: 'ORACLE_INVALID_VALUE', message: expect.stringMatching(/3 decimal places.*2/) });
    await http.post(`/feeds/${id}/values`).send({ value: 1.5 }).expect(400);
    await http.post(`/feeds/${id}/values`).send({ value: '1e5' }).expect(400);
    await http.post(`/feeds/${id}/values`).send({ value: '1', observedAt: 'yesterday' }).expect(400);
    await http.get(`/feeds/${id}/values`).query({ limit: 0 }).expect(400);
    await http.get(`/feeds/${id}/values`).query({ cursor: 'garbage' }).expect(400);
    expect((await http.get(`/feeds/${id}/values`).set('x-user-id', 'test-user').expect(200)).body).toEqual({ items: [], nextCursor: null });

    const unknown = uuidv7();
    await http.get(`/feeds/${unknown}`).expect(404);
    await http.get(`/feeds/${unknown}/latest`).expect(404);
    await http.get(`/feeds/${unknown}/values`).expect(404);
    const missing = await http.post(`/feeds/${unknown}/values`).send({ value: '1' }).expect(404);
    expect(missing.body).toMatchObject({ code: 'ORACLE_FEED_NOT_FOUND' });
    await http.get('/feeds/not-a-uuid/latest').expect(400);

    const name = feedName('dup');
    await http.post('/feeds').send({ name, decimals: 2, source: 's' }).expect(201);
    const conflict = await http.post('/feeds').send({ name, decimals: 3, source: 's' }).expect(409);
    expect(conflict.body.message).toContain(name);
  });

  it('sends reads to the replicas and writes to the primary', async () => {
    const id = await registerFeed(http, 2, 'writer');
    for (let i = 0; i < 5; i++)
      await http
        .post(`/feeds/${id}/values`)
        .set('x-user-id', 'writer')
        .send({ value: `${i}` })
        .expect(201);
    // Another user, who wrote nothing: no read-your-writes constraint on where it reads.
    await until(
      () =>
        source.status!()
          .filter((s) => s.role === 'replica')
          .every((s) => s.inRotation),
      'both replicas in rotation',
    );
    const before = source.status!();
    for (let i = 0; i < 40; i++) await http.get(`/feeds/${id}/values`).set('x-user-id', 'reader').query({ limit: 2 }).expect(200);
    const after = source.status!();

    // Each history read is two queries (the feed and its values), all on replicas, spread over both.
    expect(total(after, 'replica', 'reads') - total(before, 'replica', 'reads')).toBe(80);
    expect(total(after, 'primary', 'reads') - total(before, 'primary', 'reads')).toBe(0);
    for (const replica of REPLICAS) {
      const served = (status: readonly NodeStatus[]) => status.find((s) => s.label === `blockchain/${replica}/neo_oracle`)!.stats.reads;
      expect(served(after) - served(before)).toBeGreaterThan(0);
    }

    const writesBefore = source.status!();
    await http.post(`/feeds/${id}/values`).set('x-user-id', 'writer').send({ value: '9' }).expect(201);
    const writesAfter = source.status!();
    expect(total(writesAfter, 'primary', 'writes') - total(writesBefore, 'primary', 'writes')).toBe(1);
    expect(total(writesAfter, 'replica', 'writes')).toBe(0);
  });

  it('reads your writes with every replica paused: 1,000 publish-then-read pairs see the value just written; resumed, reads go back to the replicas', async () => {
    const users = ['ryw-a', 'ryw-b', 'ryw-c', 'ryw-d'];
    const feeds = await Promise.all(users.map((user) => registerFeed(http, 3, user)));
    let checked = 0;
    const mismatches: string[] = [];
    try {
      for (const replica of REPLICAS) await onNode(replica, 'SELECT pg_wal_replay_pause()');
      await until(async () => {
        const states = await Promise.all(
          REPLICAS.map((replica) => onNode<{ state: string }>(replica, 'SELECT pg_get_wal_replay_pause_state() AS state')),
        );
        return states.every(([row]) => row?.state === 'paused');
      }, 'replay to pause on both replicas');

      await Promise.all(
        users.map(async (user, index) => {
          const id = feeds[index]!;
          for (let i = 0; i < 250; i++) {
            const value = `${index}${i}.${String(i % 1000).padStart(3, '0')}`;
            const written = await http.post(`/feeds/${id}/values`).set('x-user-id', user).send({ value }).expect(201);
            const latest = await http.get(`/feeds/${id}/latest`).set('x-user-id', user).expect(200);
            const history = await http.get(`/feeds/${id}/values`).set('x-user-id', user).query({ limit: 1 }).expect(200);
            checked++;
            if (latest.body.value !== written.body.value)
              mismatches.push(`latest ${latest.body.value} after writing ${written.body.value}`);
            if (history.body.items[0]?.value !== written.body.value)
              mismatches.push(`history ${history.body.items[0]?.value} after writing ${written.body.value}`);
          }
        }),
      );
    } finally {
      for (const replica of REPLICAS) await onNode(replica, 'SELECT pg_wal_replay_resume()');
    }
    expect(checked).toBe(1_000);
    expect(mismatches).toEqual([]);

    await until(
      () =>
        source.status!()
          .filter((s) => s.role === 'replica')
          .every((s) => s.inRotation),
      'the replicas to catch up and rejoin',
    );
    const before = source.status!();
    for (const [index, user] of users.entries()) {
      await http.get(`/feeds/${feeds[index]}/values`).set('x-user-id', user).query({ limit: 1 }).expect(200);
    }
    const after = source.status!();
    expect(total(after, 'replica', 'reads') - total(before, 'replica', 'reads')).toBe(2 * users.length);
    expect(total(after, 'primary', 'reads') - total(before, 'primary', 'reads')).toBe(0);
  });

  it('serves /metrics: queries per node, replica lag, routing and the cache', async () => {
    const id = await registerFeed(http);
    await http.post(`/feeds/${id}/values`).send({ value: '1' }).expect(201);
    await http.get(`/feeds/${id}/latest`).expect(200);
    await http.get(`/feeds/${id}/latest`).expect(200);

    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    for (const replica of REPLICAS) {
      expect(metrics.text).toMatch(
        new RegExp(`neo_data_queries_total\\{[^}]*node="blockchain/${replica}",role="replica"[^}]*service="oracle"\\} [1-9]`),
      );
      expect(metrics.text).toMatch(
        new RegExp(`neo_data_replica_lag_seconds\\{database="neo_oracle",node="blockchain/${replica}"[^}]*\\} \\d`),
      );
      expect(metrics.text).toMatch(new RegExp(`neo_data_replica_in_rotation\\{database="neo_oracle",node="blockchain/${replica}"`));
    }
    expect(metrics.text).toMatch(/neo_data_queries_total\{[^}]*node="blockchain\/blockchain-primary",role="primary",operation="create"/);
    expect(metrics.text).toMatch(/neo_data_routing_decisions_total\{[^}]*reason="write"/);
    expect(metrics.text).toMatch(/neo_cache_lookups_total\{cache="oracle",result="hit",service="oracle"\} [1-9]/);
    expect(metrics.text).toMatch(/neo_cache_invalidations_total\{cache="oracle",service="oracle"\} [1-9]/);
    expect(metrics.text).toMatch(/neo_data_pool_connection_reuse_ratio\{/);
    expect(metrics.text).not.toContain(shared.topology.clusters['blockchain']!.credentials.password ?? 'no password');
  });

  it('reports every node on GET /health', async () => {
    await until(
      () =>
        source.status!()
          .filter((s) => s.role === 'replica')
          .every((s) => s.inRotation),
      'both replicas in rotation',
    );
    const health = await http.get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.info.database).toMatchObject({
      status: 'up',
      service: 'oracle',
      nodes: {
        'blockchain/blockchain-primary/neo_oracle': { role: 'primary', status: 'up' },
        'blockchain/blockchain-replica-1/neo_oracle': { role: 'replica', status: 'up', inRotation: true },
        'blockchain/blockchain-replica-2/neo_oracle': { role: 'replica', status: 'up', inRotation: true },
      },
    });
  });

  describe.each([
    { store: 'in process', settings: {} as Partial<CacheSettings> },
    { store: 'Redis', settings: { redisUrl: REDIS_URL } as Partial<CacheSettings> },
  ])('the latest-value cache ($store)', ({ settings }) => {
    let cached: Awaited<ReturnType<typeof startApp>>;
    const keyPrefix = `neo:test:oracle:${randomUUID()}:`;

    beforeAll(async () => {
      cached = await startApp({
        topology: withCache(shared.topology, { strategy: 'read-through', ttlSeconds: 1, ...settings }),
        cache: { keyPrefix },
      });
    });

    afterAll(async () => {
      await cached?.app.close();
      if (settings.redisUrl) {
        const redis = new Redis(settings.redisUrl);
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    });

    /** A value written behind the service's back, straight into the primary: the cache cannot know of it. */
    async function insertBehindTheServicesBack(feedId: string, value: string): Promise<void> {
      const { primary } = serviceTargets(shared.topology, 'oracle');
      await withClient(primary, (client) =>
        client.query('INSERT INTO feed_values (id, feed_id, value, observed_at, published_at) VALUES ($1, $2, $3, now(), now())', [
          uuidv7(),
          feedId,
          value,
        ]),
      );
    }

    it('serves the cached latest value until the TTL ends, and a write through the service invalidates it at once', async () => {
      const id = await registerFeed(cached.http);
      await cached.http.post(`/feeds/${id}/values`).send({ value: '1' }).expect(201);
      expect((await cached.http.get(`/feeds/${id}/latest`).expect(200)).body.value).toBe('1.00');

      await insertBehindTheServicesBack(id, '2');
      expect((await cached.http.get(`/feeds/${id}/latest`).expect(200)).body.value).toBe('1.00');
      await sleep(1_200);
      expect((await cached.http.get(`/feeds/${id}/latest`).expect(200)).body.value).toBe('2.00');

      await cached.http.post(`/feeds/${id}/values`).send({ value: '3' }).expect(201);
      expect((await cached.http.get(`/feeds/${id}/latest`).expect(200)).body.value).toBe('3.00');
    });
  });

  it('keeps answering from the database when Redis is down', async () => {
    const closedPort = await getPort();
    const { app: redisless, http: client } = await startApp({
      topology: withCache(shared.topology, { strategy: 'read-through', ttlSeconds: 300, redisUrl: `redis://127.0.0.1:${closedPort}` }),
    });
    try {
      const id = await registerFeed(client);
      for (const value of ['1', '2', '3']) {
        await client.post(`/feeds/${id}/values`).send({ value }).expect(201);
        expect((await client.get(`/feeds/${id}/latest`).expect(200)).body.value).toBe(`${value}.00`);
      }
      const metrics = await client.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/neo_cache_lookups_total\{cache="oracle",result="bypass",service="oracle"\} 3/);
    } finally {
      await redisless.close();
    }
  });
});
