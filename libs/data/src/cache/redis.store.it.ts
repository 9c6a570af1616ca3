import { randomUUID } from 'node:crypto';
import net from 'node:net';
import getPort from 'get-port';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CacheMetrics } from './cache-metrics.js';
import { ReadThroughCache } from './read-through.cache.js';
import { RedisStore } from './redis.store.js';

/** The machine's Redis, shared with others: this file only touches keys under its own prefix. */
const REDIS_URL = process.env['NEO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const prefixes: string[] = [];
const closers: (() => Promise<void>)[] = [];

function uniquePrefix(): string {
  const prefix = `neo:test:cache:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

function redisCache(url: string, options: { ttlMs?: number; freshWindowMs?: number } = {}) {
  const registry = new Registry();
  const cacheRef: { current?: ReadThroughCache } = {};
  const store = new RedisStore({
    url,
    keyPrefix: uniquePrefix(),
    generationTtlMs: 60_000,
    commandTimeoutMs: 500,
    onReady: () => void cacheRef.current?.retryPendingInvalidations(),
  });
  const primary = { loads: 0 };
  const cache = new ReadThroughCache({
    store,
    ttlMs: options.ttlMs ?? 60_000,
    freshWindowMs: options.freshWindowMs ?? 500,
    metrics: new CacheMetrics(registry, 'oracle'),
    loadFromPrimary: async (load) => {
      primary.loads++;
      return load();
    },
  });
  cacheRef.current = cache;
  closers.push(() => cache.close());
  return { cache, store, registry, primary };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TCP relay to the real Redis that the test can cut and restore, so the shared Redis is never stopped. */
async function startRelay(target: { host: string; port: number }) {
  const port = await getPort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  const cut = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await open();
  closers.push(cut);
  return { url: `redis://127.0.0.1:${port}`, cut, restore: open };
}

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  try {
    for (const prefix of prefixes) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  } finally {
    admin.disconnect();
  }
});

describe('ReadThroughCache on Redis', () => {
  it('serves hits until the TTL ends, then loads again', async () => {
    const { cache, store } = redisCache(REDIS_URL, { ttlMs: 300 });
    await until(() => store.isAvailable(), 'Redis connection');
    let loads = 0;
    const load = async () => ({ loads: ++loads });
    expect(await cache.getOrLoad('feed:1:latest', load)).toEqual({ loads: 1 });
    expect(await cache.getOrLoad('feed:1:latest', load)).toEqual({ loads: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await cache.getOrLoad('feed:1:latest', load)).toEqual({ loads: 2 });
  });

  it('is shared: an invalidation by one instance is seen by another, whose next miss reads the primary', async () => {
    const one = redisCache(REDIS_URL);
    // A second instance of the service, on the same keys.
    const registry = new Registry();
    const primary = { loads: 0 };
    const two = new ReadThroughCache({
      store: new RedisStore({ url: REDIS_URL, keyPrefix: prefixes.at(-1)!, generationTtlMs: 60_000 }),
      ttlMs: 60_000,
      freshWindowMs: 2_000,
      metrics: new CacheMetrics(registry, 'oracle'),
      loadFromPrimary: async (load) => {
        primary.loads++;
        return load();
      },
    });
    closers.push(() => two.close());
    await until(() => one.store.isAvailable(), 'Redis connection');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await one.cache.getOrLoad('k', async () => 'old')).toBe('old');
    expect(await two.getOrLoad('k', async () => 'not loaded')).toBe('old');
    await one.cache.invalidate('k');
    expect(await two.getOrLoad('k', async () => 'new')).toBe('new');
    expect(primary.loads).toBe(1);
  });

  it('never stores a value loaded before a concurrent invalidation (the race)', async () => {
    const { cache, store, registry } = redisCache(REDIS_URL);
    await until(() => store.isAvailable(), 'Redis connection');
    let release!: (value: string) => void;
    const reader = cache.getOrLoad('k', () => new Promise<string>((resolve) => (release = resolve)));
    await until(() => release !== undefined, 'the load to start');
    await cache.invalidate('k');
    release('old');
    expect(await reader).toBe('old');
    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new');
    expect(await cache.getOrLoad('k', async () => 'not loaded')).toBe('new');
    expect(await registry.metrics()).toMatch(/neo_cache_stores_skipped_total\{cache="oracle",reason="invalidated"\} 1/);
  });

  it('answers from the database when Redis cannot be reached, and never fails the request', async () => {
    const closedPort = await getPort();
    const { cache, registry } = redisCache(`redis://127.0.0.1:${closedPort}`);
    expect(await cache.getOrLoad('k', async () => 'from the database')).toBe('from the database');
    await expect(cache.invalidate('k')).resolves.toBeUndefined();
    expect(await cache.getOrLoad('k', async () => 'again from the database')).toBe('again from the database');
    expect(await registry.metrics()).toMatch(/neo_cache_lookups_total\{cache="oracle",result="bypass"\} 2/);
  });

  it('reconnects by itself when Redis is back, and replays the invalidation it missed', async () => {
    const relay = await startRelay({ host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) });
    const { cache, store, registry } = redisCache(relay.url);
    await until(() => store.isAvailable(), 'Redis connection');
    expect(await cache.getOrLoad('k', async () => 'old')).toBe('old');

    await relay.cut();
    await until(() => !store.isAvailable(), 'the cut to be noticed');
    await cache.invalidate('k'); // cannot reach Redis: Redis still holds "old"
    expect(await cache.getOrLoad('k', async () => 'new, from the database')).toBe('new, from the database');

    await relay.restore();
    await until(() => store.isAvailable(), 'the reconnection');
    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new');
    expect(await cache.getOrLoad('k', async () => 'not loaded')).toBe('new');
    const text = await registry.metrics();
    expect(text).toMatch(/result="bypass"\} [1-9]/);
  });
});
