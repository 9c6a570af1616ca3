import { PrimaryUnavailableError, withReadConsistency } from '../replication/index.js';
import type { CacheMetrics } from './cache-metrics.js';
import type { Cache, CacheStore } from './read-through-cache.js';

export interface ReadThroughCacheOptions {
  readonly store: CacheStore;
  /** How long a loaded value is served from the cache (the topology's `ttlSeconds`). */
  readonly ttlMs: number;
  /**
   * How long after an invalidation a load of that key reads the primary instead of a replica:
   * long enough that every replica still in rotation has replayed the write (see `freshWindowFor`).
   */
  readonly freshWindowMs: number;
  readonly metrics?: CacheMetrics;
  /** Runs a load on the primary. Default: `withReadConsistency('primary', load)` of the replica layer. */
  readonly loadFromPrimary?: <T>(load: () => Promise<T>) => Promise<T>;
  /**
   * A load slower than this is served but not stored. It bounds how long a store must remember a
   * key's generation (Redis expires its generation markers). Default 30 s.
   */
  readonly maxStoredLoadMs?: number;
  /** Invalidations kept for retry while the store is unreachable; more than this and the whole cache is purged when it is back. Default 10 000. */
  readonly maxPendingInvalidations?: number;
  /** Milliseconds; `Date.now` by default (fake timers in tests replace it). */
  readonly now?: () => number;
}

/**
 * A read-through cache over a store (in process or Redis). Why a reader never sees a value older
 * than the latest write through this service:
 *
 * 1. **The load/invalidate race.** Reader R misses, starts loading and reads the old value; writer
 *    W commits and invalidates; R then stores what it read. Each key has a *generation*: R notes it
 *    when it misses, `invalidate` starts a new one, and R's store happens only if the generation is
 *    still the one R saw (an atomic compare-and-set in the store). So R's old value is dropped: it
 *    is still returned to R, whose read began before W finished, but never cached.
 * 2. **Replica lag after an invalidation.** A reader that misses just after W's invalidation could
 *    load from a replica that has not replayed W yet, and cache that old value for the whole TTL.
 *    So for `freshWindowMs` after an invalidation (a short tombstone in the store, and a local
 *    note for this process) a miss loads from the primary, which has W: W invalidates only after
 *    its commit. After the window every replica still in rotation has W (see `freshWindowFor`).
 * 3. **A store that cannot be reached.** Lookups bypass it and load from the database (counted as
 *    `bypass`), so a Redis outage never fails a request. An invalidation that fails is kept and
 *    retried before the key is read from the store again, and when the store reconnects; if too
 *    many pile up, the whole cache is purged instead. Until then the key bypasses the store.
 *
 * What it does not promise: a write made by *another* process that shares no store with this one
 * (the in-process cache of another instance) is seen only after the TTL. Share Redis between
 * instances that must see each other's writes.
 */
export class ReadThroughCache implements Cache {
  readonly kind: Cache['kind'];
  private readonly store: CacheStore;
  private readonly now: () => number;
  private readonly loadFromPrimary: <T>(load: () => Promise<T>) => Promise<T>;
  private readonly maxStoredLoadMs: number;
  private readonly maxPending: number;
  /** Keys invalidated by this process recently, with the end of their fresh window (insertion = time order). */
  private readonly recent = new Map<string, number>();
  /** Keys whose invalidation did not reach the store. */
  private readonly pending = new Set<string>();
  private purgeNeeded = false;
  /** Counts invalidations that did not reach the store; a load that saw it change does not store. */
  private failedInvalidations = 0;
  private closed = false;

  constructor(private readonly options: ReadThroughCacheOptions) {
    this.store = options.store;
    this.kind = options.store.kind;
    this.now = options.now ?? (() => Date.now());
    this.loadFromPrimary = options.loadFromPrimary ?? ((load) => withReadConsistency('primary', load));
    this.maxStoredLoadMs = options.maxStoredLoadMs ?? 30_000;
    this.maxPending = options.maxPendingInvalidations ?? 10_000;
  }

  /** Replays invalidations that failed; called by stores when they reconnect. */
  async retryPendingInvalidations(): Promise<void> {
    if (this.purgeNeeded) {
      await this.tryPurge();
      return;
    }
    for (const key of [...this.pending]) {
      if (!(await this.tryInvalidate(key))) return;
    }
  }

  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    const recentlyInvalidatedHere = this.isRecent(key);
    if (!(await this.storeUsableFor(key))) {
      this.options.metrics?.lookup('bypass');
      return (await this.load(load, recentlyInvalidatedHere)).value;
    }

    let entry;
    try {
      entry = await this.store.read(key);
    } catch {
      this.options.metrics?.error('read');
      this.options.metrics?.lookup('bypass');
      return (await this.load(load, recentlyInvalidatedHere)).value;
    }
    if (entry.json !== undefined) {
      this.options.metrics?.lookup('hit');
      return JSON.parse(entry.json) as T;
    }

    this.options.metrics?.lookup('miss');
    const startedAt = this.now();
    const failedInvalidationsBefore = this.failedInvalidations;
    const { value, fromPrimaryAsNeeded } = await this.load(load, entry.recentlyInvalidated || recentlyInvalidatedHere);
    if (value === undefined) return value;
    const json = JSON.stringify(value);
    if (!fromPrimaryAsNeeded) {
      this.options.metrics?.storeSkipped('primary_unavailable');
    } else if (this.failedInvalidations !== failedInvalidationsBefore) {
      // A write's invalidation was lost meanwhile; the store's generation cannot vouch for this value.
      this.options.metrics?.storeSkipped('invalidated');
    } else if (this.now() - startedAt > this.maxStoredLoadMs) {
      this.options.metrics?.storeSkipped('slow_load');
    } else {
      try {
        const stored = await this.store.storeIfUnchanged(key, json, entry.generation, this.options.ttlMs);
        if (!stored) this.options.metrics?.storeSkipped('invalidated');
      } catch {
        this.options.metrics?.error('store');
      }
    }
    // The same JSON copy a later hit would return, so callers see one shape whichever way it came.
    return JSON.parse(json) as T;
  }

  async invalidate(key: string): Promise<void> {
    this.options.metrics?.invalidated();
    this.rememberRecent(key);
    if (this.purgeNeeded) return;
    if (!(await this.tryInvalidate(key))) this.addPending(key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }

  /**
   * Loads `load`, from the primary when `fresh`. If the primary is down the replicas' answer is
   * served but not stored: it may predate the write that made the key fresh.
   */
  private async load<T>(load: () => Promise<T>, fresh: boolean): Promise<{ value: T; fromPrimaryAsNeeded: boolean }> {
    if (!fresh) return { value: await load(), fromPrimaryAsNeeded: true };
    this.options.metrics?.freshLoad();
    try {
      return { value: await this.loadFromPrimary(load), fromPrimaryAsNeeded: true };
    } catch (error) {
      if (!(error instanceof PrimaryUnavailableError)) throw error;
      return { value: await load(), fromPrimaryAsNeeded: false };
    }
  }

  /** The store may serve `key`: it is reachable and holds no entry an invalidation failed to remove. */
  private async storeUsableFor(key: string): Promise<boolean> {
    if (this.closed || !this.store.isAvailable()) return false;
    if (this.purgeNeeded) return this.tryPurge();
    if (this.pending.has(key)) return this.tryInvalidate(key);
    return true;
  }

  private async tryInvalidate(key: string): Promise<boolean> {
    if (this.closed || !this.store.isAvailable()) return false;
    try {
      await this.store.invalidate(key, this.options.freshWindowMs);
      this.pending.delete(key);
      return true;
    } catch {
      this.options.metrics?.error('invalidate');
      return false;
    }
  }

  private async tryPurge(): Promise<boolean> {
    if (this.closed || !this.store.isAvailable()) return false;
    try {
      await this.store.purge();
      this.purgeNeeded = false;
      this.pending.clear();
      return true;
    } catch {
      this.options.metrics?.error('purge');
      return false;
    }
  }

  private addPending(key: string): void {
    this.failedInvalidations++;
    this.pending.add(key);
    if (this.pending.size > this.maxPending) {
      // Too many to replay one by one: drop the whole cache once the store is back.
      this.purgeNeeded = true;
      this.pending.clear();
    }
  }

  private rememberRecent(key: string): void {
    const now = this.now();
    this.recent.delete(key);
    this.recent.set(key, now + this.options.freshWindowMs);
    // Every window has the same length, so the map is ordered by expiry: trim expired ones from the front.
    for (const [oldest, until] of this.recent) {
      if (until > now) break;
      this.recent.delete(oldest);
    }
  }

  private isRecent(key: string): boolean {
    const until = this.recent.get(key);
    return until !== undefined && until > this.now();
  }
}
