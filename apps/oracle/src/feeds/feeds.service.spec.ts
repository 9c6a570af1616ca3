import { Uuidv7Generator, type Cache } from '@neo/data';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeOracleDb } from './fake-oracle-db.js';
import { FeedAlreadyExistsError, FeedHasNoValuesError, FeedNotFoundError, InvalidFeedValueError } from './feed.errors.js';
import { FeedsService } from './feeds.service.js';

/** A plain map with no TTL: enough to see what the service caches and what it invalidates. */
class MapCache implements Cache {
  readonly kind = 'in-process' as const;
  readonly entries = new Map<string, unknown>();
  readonly invalidated: string[] = [];
  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = await load();
    this.entries.set(key, value);
    return value;
  }
  async invalidate(key: string): Promise<void> {
    this.invalidated.push(key);
    this.entries.delete(key);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('FeedsService', () => {
  let db: FakeOracleDb;
  let service: FeedsService;
  let cache: MapCache;

  beforeEach(() => {
    db = new FakeOracleDb();
    cache = new MapCache();
    service = new FeedsService(db.asOracleDb(), cache, new Uuidv7Generator());
  });

  it('registers a feed and refuses a second one with the same name', async () => {
    const feed = await service.register({ name: 'NEO/USD', decimals: 8, source: 'binance' });
    expect(feed).toMatchObject({ name: 'NEO/USD', description: null, decimals: 8, source: 'binance' });
    expect(await service.get(feed.id)).toEqual(feed);
    await expect(service.register({ name: 'NEO/USD', decimals: 2, source: 'x' })).rejects.toThrow(FeedAlreadyExistsError);
  });

  it('publishes values in the feed precision and reads the latest through the cache', async () => {
    const { id } = await service.register({ name: 'GAS/USD', decimals: 2, source: 's' });
    await expect(service.latest(id)).rejects.toThrow(FeedHasNoValuesError);

    const first = await service.publish(id, { value: '1.5' });
    expect(first).toMatchObject({ feedId: id, value: '1.50' });
    expect(await service.latest(id)).toEqual(first);
    const readsAfterFirstLoad = db.reads;
    expect(await service.latest(id)).toEqual(first);
    expect(db.reads).toBe(readsAfterFirstLoad);

    // A publication invalidates the cached latest value.
    const second = await service.publish(id, { value: '2', observedAt: new Date('2026-01-31T12:00:00Z') });
    expect(cache.invalidated).toEqual([`feed:${id}:latest`, `feed:${id}:latest`]);
    expect(second.observedAt).toBe('2026-01-31T12:00:00.000Z');
    expect(await service.latest(id)).toEqual(second);
  });

  it('refuses a value with more decimals than the feed, and a feed that does not exist', async () => {
    const { id } = await service.register({ name: 'BTC/USD', decimals: 2, source: 's' });
    await expect(service.publish(id, { value: '1.001' })).rejects.toThrow(InvalidFeedValueError);
    const unknown = '01936f3e-8c4a-7b2d-9e1f-0a1b2c3d4e5f';
    await expect(service.publish(unknown, { value: '1' })).rejects.toThrow(FeedNotFoundError);
    await expect(service.latest(unknown)).rejects.toThrow(FeedNotFoundError);
    await expect(service.history(unknown, { limit: 10 })).rejects.toThrow(FeedNotFoundError);
    expect(db.values).toHaveLength(0);
  });

  it('pages the history newest first', async () => {
    const { id } = await service.register({ name: 'ETH/USD', decimals: 0, source: 's' });
    for (const value of ['1', '2', '3', '4', '5']) await service.publish(id, { value });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.history(id, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.value));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['5', '4', '3', '2', '1']);
  });

  it('lists feeds in registration order, page by page', async () => {
    for (const name of ['a', 'b', 'c']) await service.register({ name, decimals: 0, source: 's' });
    const first = await service.list({ limit: 2 });
    expect(first.items.map((feed) => feed.name)).toEqual(['a', 'b']);
    const second = await service.list({ limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [{ name: 'c' }], nextCursor: null });
  });
});
