import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { CacheStore, StoreEntry } from './read-through-cache.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`; never logged. */
  readonly url: string;
  /** Prefix of every key this store writes, e.g. `neo:cache:oracle:`; `purge` removes exactly these. */
  readonly keyPrefix: string;
  /**
   * How long a key's generation marker lives. Must exceed the longest load that may still be
   * stored (the cache's `maxStoredLoadMs`) plus the fresh window, or an expired marker could let
   * an old load's value in.
   */
  readonly generationTtlMs: number;
  /** A command slower than this counts as failed and the request loads from the database. Default 250 ms. */
  readonly commandTimeoutMs?: number;
  /** Default 1 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Told each time the connection is (re)established, e.g. to replay failed invalidations. */
  readonly onReady?: () => void;
  /** Told about connection errors (for logs). The error never carries the URL's password. */
  readonly onError?: (error: Error) => void;
  /** Further ioredis options (tests, TLS). */
  readonly redis?: RedisOptions;
}

/**
 * Compare-and-set of a value: stored only while the key's generation marker still holds what the
 * reader saw (`''` for no marker). One script, so no invalidation can slip between check and set.
 */
const STORE_IF_UNCHANGED = `
local generation = redis.call('GET', KEYS[2])
if (generation == false and ARGV[1] == '') or generation == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** Drops the value, writes a new random generation marker and a short tombstone, atomically. */
const INVALIDATE = `
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
return 1`;

type ScriptedRedis = Redis & {
  neoStoreIfUnchanged(value: string, generation: string, tombstone: string, expected: string, json: string, ttlMs: number): Promise<number>;
  neoInvalidate(
    value: string,
    generation: string,
    tombstone: string,
    token: string,
    generationTtlMs: number,
    freshWindowMs: number,
  ): Promise<number>;
};

/**
 * The read-through cache's store in Redis (ioredis), shared by every instance of a service.
 *
 * Per cache key three Redis keys, in one hash slot (`{...}`) so scripts also work on a cluster:
 * `<prefix>{key}:v` the JSON value (expires after the TTL), `:g` a random generation marker
 * written by each invalidation (random, not a counter, so an expired and re-created marker can
 * never match an old one), and `:t` the tombstone marking the fresh window.
 *
 * Redis down never blocks a request: no offline queue (commands fail at once while
 * disconnected), a short command timeout, and ioredis reconnects by itself with backoff.
 */
export class RedisStore implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptedRedis;
  private closed = false;

  constructor(private readonly options: RedisStoreOptions) {
    const redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: options.connectTimeoutMs ?? 1_000,
      // Reconnect for ever, backing off up to 2 s: the cache comes back when Redis does.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
      ...options.redis,
    });
    // Without a listener ioredis reports every failed reconnect on the console.
    redis.on('error', (error: Error) => options.onError?.(error));
    redis.on('ready', () => options.onReady?.());
    redis.defineCommand('neoStoreIfUnchanged', { numberOfKeys: 3, lua: STORE_IF_UNCHANGED });
    redis.defineCommand('neoInvalidate', { numberOfKeys: 3, lua: INVALIDATE });
    this.redis = redis as ScriptedRedis;
  }

  isAvailable(): boolean {
    return !this.closed && this.redis.status === 'ready';
  }

  async read(key: string): Promise<StoreEntry> {
    const [json, generation, tombstone] = await this.redis.mget(...this.keys(key));
    return { json: json ?? undefined, recentlyInvalidated: tombstone !== null, generation: generation ?? '' };
  }

  async storeIfUnchanged(key: string, json: string, generation: unknown, ttlMs: number): Promise<boolean> {
    if (typeof generation !== 'string') return false;
    const stored = await this.redis.neoStoreIfUnchanged(...this.keys(key), generation, json, Math.max(1, Math.round(ttlMs)));
    return stored === 1;
  }

  async invalidate(key: string, freshWindowMs: number): Promise<void> {
    const generationTtlMs = Math.max(this.options.generationTtlMs, freshWindowMs);
    await this.redis.neoInvalidate(...this.keys(key), randomUUID(), Math.round(generationTtlMs), Math.max(1, Math.round(freshWindowMs)));
  }

  /** Removes every key under the prefix (SCAN, then UNLINK in batches): nothing else is touched. */
  async purge(): Promise<void> {
    const pattern = `${escapeGlob(this.options.keyPrefix)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
  }

  private keys(key: string): [value: string, generation: string, tombstone: string] {
    const base = `${this.options.keyPrefix}{${key}}`;
    return [`${base}:v`, `${base}:g`, `${base}:t`];
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
