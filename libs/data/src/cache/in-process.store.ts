import type { CacheStore, StoreEntry } from './read-through-cache.js';

export interface InProcessStoreOptions {
  /** Most values kept; the least recently used go first. Default 10 000. */
  readonly maxEntries?: number;
  /** Milliseconds; `Date.now` by default (fake timers in tests replace it). */
  readonly now?: () => number;
}

interface Entry {
  readonly json: string;
  readonly expiresAt: number;
}

interface Generation {
  /** Value of the store's sequence when the key was last invalidated. */
  readonly sequence: number;
  readonly freshUntil: number;
}

/**
 * A bounded in-process store with a TTL per value. Hand-written (a `Map` kept in
 * least-recently-used order) because the generation check the read-through cache needs is not
 * part of any LRU package's API, and the whole store is a few lines.
 *
 * Generations: one sequence counts invalidations; a read hands out the current value of the
 * sequence, and a store is refused if the key was invalidated at a later sequence. Generations
 * are bounded too; when one is forgotten its sequence becomes a floor that every key without a
 * generation is compared with, which can refuse a store that was safe but never accepts one
 * that was not.
 */
export class InProcessStore implements CacheStore {
  readonly kind = 'in-process' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, Generation>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private sequence = 0;
  private forgottenSequence = 0;

  constructor(options: InProcessStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.entries.size;
  }

  isAvailable(): boolean {
    return true;
  }

  async read(key: string): Promise<StoreEntry> {
    const now = this.now();
    const entry = this.entries.get(key);
    let json: string | undefined;
    if (entry && entry.expiresAt > now) {
      json = entry.json;
      // Most recently used moves to the back.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else if (entry) {
      this.entries.delete(key);
    }
    const generation = this.generations.get(key);
    return { json, recentlyInvalidated: generation !== undefined && generation.freshUntil > now, generation: this.sequence };
  }

  async storeIfUnchanged(key: string, json: string, generation: unknown, ttlMs: number): Promise<boolean> {
    const invalidatedAt = this.generations.get(key)?.sequence ?? this.forgottenSequence;
    if (typeof generation !== 'number' || invalidatedAt > generation) return false;
    this.entries.delete(key);
    this.entries.set(key, { json, expiresAt: this.now() + ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return true;
  }

  async invalidate(key: string, freshWindowMs: number): Promise<void> {
    this.entries.delete(key);
    this.sequence++;
    this.generations.delete(key);
    this.generations.set(key, { sequence: this.sequence, freshUntil: this.now() + freshWindowMs });
    for (const [oldest, { sequence }] of this.generations) {
      if (this.generations.size <= this.maxEntries) break;
      this.generations.delete(oldest);
      this.forgottenSequence = Math.max(this.forgottenSequence, sequence);
    }
  }

  async purge(): Promise<void> {
    this.entries.clear();
    this.forgottenSequence = ++this.sequence;
    this.generations.clear();
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
