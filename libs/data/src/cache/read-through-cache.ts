/**
 * The seed's read-through cache: `getOrLoad(key, load)` answers from the cache or loads, stores
 * and answers; a service calls `invalidate(key)` after every write that changes what `key` holds.
 *
 * Values are stored as JSON (in process and in Redis alike), so a cached value is a copy with
 * the same shape whichever store is used: give it plain data (strings, numbers, arrays, objects),
 * not `Date`s, `BigInt`s or `Decimal`s.
 *
 * The promise the cache keeps: a reader never sees a value older than the latest write this
 * service made through the cache's `invalidate` (see `ReadThroughCache` for the argument), and a
 * cache failure (Redis down) never fails a call: the value is loaded from the database instead.
 */
export interface Cache {
  /** `in-process`, `redis`, or `none` when the service declares no cache. */
  readonly kind: CacheKind;
  /** The cached value of `key`, or `load()`'s result, stored for the TTL. Errors of `load` reach the caller and are not cached. */
  getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T>;
  /**
   * Call after a write that changes `key` has committed. Never throws: a store that cannot be
   * reached is retried before `key` is read from it again.
   */
  invalidate(key: string): Promise<void>;
  /** Releases the store (Redis connection); the cache then only loads. Safe to call twice. */
  close(): Promise<void>;
}

export type CacheKind = 'in-process' | 'redis' | 'none';

/** What a store knows about one key when it is read. */
export interface StoreEntry {
  /** The cached JSON, if any. */
  readonly json?: string;
  /** The key was invalidated recently, so replicas may not have the write yet: load it from the primary. */
  readonly recentlyInvalidated: boolean;
  /** Identifies the key's generation at this read; storing succeeds only while it is unchanged. */
  readonly generation: unknown;
}

/** Where a `ReadThroughCache` keeps its entries: in process, or in Redis. */
export interface CacheStore {
  readonly kind: Exclude<CacheKind, 'none'>;
  /** False while the store is known to be unreachable (calls would only fail). */
  isAvailable(): boolean;
  read(key: string): Promise<StoreEntry>;
  /**
   * Stores `json` for `ttlMs` unless `key` was invalidated after `generation` was read.
   * Resolves whether it was stored.
   */
  storeIfUnchanged(key: string, json: string, generation: unknown, ttlMs: number): Promise<boolean>;
  /** Drops the value, starts a new generation and marks the key recently invalidated for `freshWindowMs`. */
  invalidate(key: string, freshWindowMs: number): Promise<void>;
  /** Drops every entry of this cache (after invalidations were lost). */
  purge(): Promise<void>;
  close(): Promise<void>;
}
