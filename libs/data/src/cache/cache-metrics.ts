import { Counter, type Registry } from 'prom-client';

export type CacheLookupResult = 'hit' | 'miss' | 'bypass';
export type CacheOperation = 'read' | 'store' | 'invalidate' | 'purge';
export type StoreSkipReason = 'invalidated' | 'slow_load' | 'primary_unavailable';

/**
 * The cache's Prometheus series, labelled with the cache's name. `bypass` counts lookups that
 * went straight to the database because the store (Redis) could not be used; every failed store
 * call is also counted in `neo_cache_errors_total` by operation.
 */
export class CacheMetrics {
  private readonly lookups: Counter<'cache' | 'result'>;
  private readonly errors: Counter<'cache' | 'operation'>;
  private readonly invalidations: Counter<'cache'>;
  private readonly skipped: Counter<'cache' | 'reason'>;
  private readonly freshLoads: Counter<'cache'>;

  constructor(
    registry: Registry,
    private readonly cache: string,
  ) {
    const registers = [registry];
    const reuse = <M>(name: string, create: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? create();
    this.lookups = reuse(
      'neo_cache_lookups_total',
      () =>
        new Counter({
          name: 'neo_cache_lookups_total',
          help: 'Cache lookups by result: hit, miss (loaded and stored), bypass (store unavailable, loaded from the database).',
          labelNames: ['cache', 'result'],
          registers,
        }),
    );
    this.errors = reuse(
      'neo_cache_errors_total',
      () =>
        new Counter({
          name: 'neo_cache_errors_total',
          help: 'Failed calls to the cache store (e.g. Redis down), by operation; the request was served from the database.',
          labelNames: ['cache', 'operation'],
          registers,
        }),
    );
    this.invalidations = reuse(
      'neo_cache_invalidations_total',
      () =>
        new Counter({ name: 'neo_cache_invalidations_total', help: 'Keys invalidated after a write.', labelNames: ['cache'], registers }),
    );
    this.skipped = reuse(
      'neo_cache_stores_skipped_total',
      () =>
        new Counter({
          name: 'neo_cache_stores_skipped_total',
          help: 'Loaded values not stored, by reason (e.g. "invalidated": a write happened while the value was loading).',
          labelNames: ['cache', 'reason'],
          registers,
        }),
    );
    this.freshLoads = reuse(
      'neo_cache_fresh_loads_total',
      () =>
        new Counter({
          name: 'neo_cache_fresh_loads_total',
          help: 'Loads sent to the primary because their key was invalidated moments ago.',
          labelNames: ['cache'],
          registers,
        }),
    );
  }

  lookup(result: CacheLookupResult): void {
    this.lookups.inc({ cache: this.cache, result });
  }

  error(operation: CacheOperation): void {
    this.errors.inc({ cache: this.cache, operation });
  }

  invalidated(): void {
    this.invalidations.inc({ cache: this.cache });
  }

  storeSkipped(reason: StoreSkipReason): void {
    this.skipped.inc({ cache: this.cache, reason });
  }

  freshLoad(): void {
    this.freshLoads.inc({ cache: this.cache });
  }
}
