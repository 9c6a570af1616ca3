import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PrimaryUnavailableError } from '../replication/index.js';
import { CacheMetrics } from './cache-metrics.js';
import { InProcessStore } from './in-process.store.js';
import { ReadThroughCache } from './read-through.cache.js';
import type { CacheStore, StoreEntry } from './read-through-cache.js';

/** A value that can be resolved later, to interleave a load with a write. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Counts which loads ran on the primary: the fake replaces the replica layer's consistency scope. */
function primaryLoads() {
  const seen = { primary: 0 };
  const loadFromPrimary = async <T>(load: () => Promise<T>): Promise<T> => {
    seen.primary++;
    return load();
  };
  return { seen, loadFromPrimary };
}

function inProcessCache(options: { ttlMs?: number; freshWindowMs?: number; maxEntries?: number; registry?: Registry } = {}) {
  const { seen, loadFromPrimary } = primaryLoads();
  const store = new InProcessStore({ maxEntries: options.maxEntries ?? 100 });
  const cache = new ReadThroughCache({
    store,
    ttlMs: options.ttlMs ?? 300_000,
    freshWindowMs: options.freshWindowMs ?? 1_000,
    loadFromPrimary,
    ...(options.registry ? { metrics: new CacheMetrics(options.registry, 'oracle') } : {}),
  });
  return { cache, store, seen };
}

describe('ReadThroughCache in process', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads once, serves hits until the TTL ends, then loads again', async () => {
    const { cache } = inProcessCache({ ttlMs: 300_000 });
    let version = 1;
    const load = vi.fn(async () => ({ price: `v${version}` }));

    expect(await cache.getOrLoad('feed:1', load)).toEqual({ price: 'v1' });
    version = 2;
    vi.advanceTimersByTime(299_999);
    expect(await cache.getOrLoad('feed:1', load)).toEqual({ price: 'v1' });
    expect(load).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(2);
    expect(await cache.getOrLoad('feed:1', load)).toEqual({ price: 'v2' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('returns a JSON copy, the same shape on a miss and on a hit', async () => {
    const { cache } = inProcessCache();
    const loaded = { at: new Date(0), list: [1] };
    const first = await cache.getOrLoad('k', async () => loaded);
    const second = await cache.getOrLoad('k', async () => loaded);
    expect(first).toEqual({ at: '1970-01-01T00:00:00.000Z', list: [1] });
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('after invalidate, the next read loads the new value, from the primary during the fresh window', async () => {
    const { cache, seen } = inProcessCache({ freshWindowMs: 1_000 });
    let value = 'old';
    const load = async () => value;
    expect(await cache.getOrLoad('k', load)).toBe('old');

    value = 'new';
    await cache.invalidate('k');
    expect(await cache.getOrLoad('k', load)).toBe('new');
    expect(seen.primary).toBe(1);
    // Stored: the next read is a hit, not a load.
    value = 'newer-but-not-invalidated';
    expect(await cache.getOrLoad('k', load)).toBe('new');

    // After the window a miss reads replicas again.
    await cache.invalidate('k');
    vi.advanceTimersByTime(1_001);
    expect(await cache.getOrLoad('k', load)).toBe('newer-but-not-invalidated');
    expect(seen.primary).toBe(1);
  });

  it('never stores a value loaded before a write whose invalidation came while it loaded (the race)', async () => {
    const registry = new Registry();
    const { cache } = inProcessCache({ registry });
    const slowRead = deferred<string>();

    // Reader R misses and starts loading; it reads the old value.
    const reader = cache.getOrLoad('k', () => slowRead.promise);
    await vi.advanceTimersByTimeAsync(0);
    // Writer W commits and invalidates while R is still loading.
    await cache.invalidate('k');
    // R's load finishes with the old value: R gets it (its read began before W), the cache does not keep it.
    slowRead.resolve('old');
    expect(await reader).toBe('old');

    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new');
    expect(await cache.getOrLoad('k', async () => 'never loaded')).toBe('new');
    expect(await registry.metrics()).toMatch(/neo_cache_stores_skipped_total\{cache="oracle",reason="invalidated"\} 1/);
  });

  it('keeps a load that started after the invalidation', async () => {
    const { cache } = inProcessCache();
    await cache.invalidate('k');
    const read = deferred<string>();
    const reader = cache.getOrLoad('k', () => read.promise);
    await vi.advanceTimersByTimeAsync(0);
    read.resolve('current');
    expect(await reader).toBe('current');
    expect(await cache.getOrLoad('k', async () => 'not used')).toBe('current');
  });

  it('serves but does not store a fresh load the primary could not answer', async () => {
    const store = new InProcessStore();
    const cache = new ReadThroughCache({
      store,
      ttlMs: 60_000,
      freshWindowMs: 1_000,
      loadFromPrimary: async () => {
        throw new PrimaryUnavailableError('blockchain/blockchain-primary/neo_oracle');
      },
    });
    await cache.invalidate('k');
    expect(await cache.getOrLoad('k', async () => 'from a replica')).toBe('from a replica');
    expect(store.size).toBe(0);
  });

  it('does not cache a failed load', async () => {
    const { cache } = inProcessCache();
    await expect(cache.getOrLoad('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.getOrLoad('k', async () => 'ok')).toBe('ok');
  });

  it('keeps at most maxEntries values, dropping the least recently used', async () => {
    const { cache, store } = inProcessCache({ maxEntries: 2 });
    await cache.getOrLoad('a', async () => 'a');
    await cache.getOrLoad('b', async () => 'b');
    await cache.getOrLoad('a', async () => 'a2'); // a is now the most recent
    await cache.getOrLoad('c', async () => 'c');
    expect(store.size).toBe(2);
    expect(await cache.getOrLoad('a', async () => 'reloaded')).toBe('a');
    expect(await cache.getOrLoad('b', async () => 'reloaded')).toBe('reloaded');
  });

  it('counts hits and misses', async () => {
    const registry = new Registry();
    const { cache } = inProcessCache({ registry });
    await cache.getOrLoad('k', async () => 1);
    await cache.getOrLoad('k', async () => 1);
    const text = await registry.metrics();
    expect(text).toContain('neo_cache_lookups_total{cache="oracle",result="miss"} 1');
    expect(text).toContain('neo_cache_lookups_total{cache="oracle",result="hit"} 1');
  });
});

/** A store that fails every call while `down` is set, over an in-process store. */
class FlakyStore implements CacheStore {
  readonly kind = 'redis' as const;
  down = false;
  reachableButFailing = false;
  readonly inner = new InProcessStore();

  isAvailable(): boolean {
    return !this.down;
  }
  private check(): void {
    if (this.down || this.reachableButFailing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async read(key: string): Promise<StoreEntry> {
    this.check();
    return this.inner.read(key);
  }
  async storeIfUnchanged(key: string, json: string, generation: unknown, ttlMs: number): Promise<boolean> {
    this.check();
    return this.inner.storeIfUnchanged(key, json, generation, ttlMs);
  }
  async invalidate(key: string, freshWindowMs: number): Promise<void> {
    this.check();
    return this.inner.invalidate(key, freshWindowMs);
  }
  async purge(): Promise<void> {
    this.check();
    return this.inner.purge();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('ReadThroughCache when its store fails', () => {
  function flakyCache(options: { maxPendingInvalidations?: number } = {}) {
    const registry = new Registry();
    const store = new FlakyStore();
    const { seen, loadFromPrimary } = primaryLoads();
    const cache = new ReadThroughCache({
      store,
      ttlMs: 60_000,
      freshWindowMs: 1_000,
      loadFromPrimary,
      metrics: new CacheMetrics(registry, 'oracle'),
      ...options,
    });
    return { cache, store, registry, seen };
  }

  it('loads from the database and never fails the request, counting the bypass and the errors', async () => {
    const { cache, store, registry } = flakyCache();
    store.down = true;
    expect(await cache.getOrLoad('k', async () => 'db')).toBe('db');
    store.down = false;
    store.reachableButFailing = true;
    expect(await cache.getOrLoad('k', async () => 'db again')).toBe('db again');
    await cache.invalidate('k');
    const text = await registry.metrics();
    expect(text).toContain('neo_cache_lookups_total{cache="oracle",result="bypass"} 2');
    expect(text).toContain('neo_cache_errors_total{cache="oracle",operation="read"} 1');
    expect(text).toContain('neo_cache_errors_total{cache="oracle",operation="invalidate"} 1');
  });

  it('replays an invalidation that failed before the key is read from the store again', async () => {
    const { cache, store } = flakyCache();
    expect(await cache.getOrLoad('k', async () => 'old')).toBe('old');
    store.down = true;
    await cache.invalidate('k'); // lost: the store still holds "old"
    store.down = false;
    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new');
  });

  it('reads the primary for a key it invalidated itself even while the store is down', async () => {
    const { cache, store, seen } = flakyCache();
    store.down = true;
    await cache.invalidate('k');
    expect(await cache.getOrLoad('k', async () => 'new')).toBe('new');
    expect(seen.primary).toBe(1);
  });

  it('purges the whole store once it is back when too many invalidations were lost', async () => {
    const { cache, store } = flakyCache({ maxPendingInvalidations: 1 });
    await cache.getOrLoad('a', async () => 'old a');
    await cache.getOrLoad('b', async () => 'old b');
    store.down = true;
    await cache.invalidate('a');
    await cache.invalidate('b');
    store.down = false;
    await cache.retryPendingInvalidations();
    expect(store.inner.size).toBe(0);
    expect(await cache.getOrLoad('b', async () => 'new b')).toBe('new b');
  });

  it('does not store a value whose load overlapped a lost invalidation', async () => {
    const { cache, store } = flakyCache();
    const slowRead = deferred<string>();
    const reader = cache.getOrLoad('k', () => slowRead.promise);
    await new Promise((resolve) => setImmediate(resolve));
    store.down = true;
    await cache.invalidate('k');
    store.down = false;
    slowRead.resolve('old');
    expect(await reader).toBe('old');
    expect(store.inner.size).toBe(0);
  });
});
