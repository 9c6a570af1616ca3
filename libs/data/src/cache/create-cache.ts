import type { Registry } from 'prom-client';
import { findService, type Topology } from '@neo/topology';
import { CacheMetrics } from './cache-metrics.js';
import { freshWindowFor } from './fresh-window.js';
import { InProcessStore } from './in-process.store.js';
import { NoCache } from './no.cache.js';
import { ReadThroughCache } from './read-through.cache.js';
import type { Cache } from './read-through-cache.js';
import { RedisStore } from './redis.store.js';

export interface ServiceCacheOptions {
  readonly topology: Topology;
  /** The service in the topology; its `cache` settings choose the store and the TTL. */
  readonly service: string;
  /** Where the cache's metrics go (the service's registry, served on /metrics). */
  readonly registry?: Registry;
  /** Prefix of the Redis keys. Default `neo:cache:<service>:`. */
  readonly keyPrefix?: string;
  /** Most values the in-process store keeps. Default 10 000. */
  readonly maxEntries?: number;
  /** Replaces the fresh window derived from the service's `reads` settings. */
  readonly freshWindowMs?: number;
  /** Redis connection errors, for logs (never carry the password). */
  readonly onStoreError?: (error: Error) => void;
  readonly now?: () => number;
}

/** Longest load whose value is still stored; Redis generation markers outlive it. */
const MAX_STORED_LOAD_MS = 30_000;

/**
 * The cache the topology declares for a service (`services.<name>.cache`): in process, or in
 * Redis when it names `redisUrl`; with its TTL, and its fresh window from the service's `reads`
 * settings. A service with no `cache` gets a `NoCache`, which always loads.
 */
export function createServiceCache(options: ServiceCacheOptions): Cache {
  const declared = findService(options.topology, options.service);
  const settings = declared.cache;
  if (!settings) return new NoCache();

  const ttlMs = settings.ttlSeconds * 1_000;
  const freshWindowMs = options.freshWindowMs ?? freshWindowFor(declared.reads);
  const metrics = options.registry ? new CacheMetrics(options.registry, options.service) : undefined;
  // The store's reconnect hook replays the cache's failed invalidations; the cache is built just below.
  const cacheRef: { current?: ReadThroughCache } = {};
  const store = settings.redisUrl
    ? new RedisStore({
        url: settings.redisUrl,
        keyPrefix: options.keyPrefix ?? `neo:cache:${options.service}:`,
        generationTtlMs: MAX_STORED_LOAD_MS + freshWindowMs + 60_000,
        onReady: () => void cacheRef.current?.retryPendingInvalidations(),
        ...(options.onStoreError ? { onError: options.onStoreError } : {}),
      })
    : new InProcessStore({
        ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
  const cache = new ReadThroughCache({
    store,
    ttlMs,
    freshWindowMs,
    maxStoredLoadMs: MAX_STORED_LOAD_MS,
    ...(metrics ? { metrics } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  cacheRef.current = cache;
  return cache;
}
