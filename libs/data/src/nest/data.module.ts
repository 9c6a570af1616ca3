import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataEventLog } from '../logging/index.js';
import { TerminusModule } from '@nestjs/terminus';
import { createServiceCache, type Cache } from '../cache/index.js';
import { openDataSource, type DataSource } from '../data-source/index.js';
import { createDataMetrics, type DataMetrics } from '../metrics/index.js';
import { DataHealthIndicator } from './data-health.indicator.js';
import type { DataModuleOptions } from './data-module.options.js';
import { ConfigurableDataModule, DATA_MODULE_OPTIONS } from './data.module-definition.js';
import { DATA_CACHE, DATA_CLIENT, DATA_METRICS, DATA_SOURCE } from './data.tokens.js';

/**
 * Gives a NestJS service its ready Prisma client, built from the declared topology: on the
 * primary alone, or on a replica set when the service's cluster has replicas; with flags
 * configured (`flags`, or `NEO_FLAGS` in the environment) on both its monolith schema and its own
 * database, each call sent where the `UseShardedDatabase.<service>.*` flags say. Also its metrics
 * (`DATA_METRICS`, served by `DataMetricsModule`) and its read-through cache (`DATA_CACHE`).
 * Inject them with `@InjectDataClient()`, `@InjectDataCache()`; check the nodes with `DataHealthIndicator`.
 * On application shutdown (after the HTTP server stopped taking requests) the cache and client
 * are closed and every pool ended, so the process exits with no open handle.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: DATA_METRICS,
      inject: [DATA_MODULE_OPTIONS],
      useFactory: (options: DataModuleOptions): DataMetrics => {
        const metrics = options.metrics ?? createDataMetrics(options.service);
        // The data layer's changes go to the application's logger (JSON or pretty, see serviceLogger).
        // A Logger without a context of its own: each event passes `neo-data` as its context (one line, not two).
        metrics.events ??= new DataEventLog(options.service, new Logger());
        return metrics;
      },
    },
    {
      provide: DATA_SOURCE,
      inject: [DATA_MODULE_OPTIONS, DATA_METRICS],
      useFactory: (options: DataModuleOptions, metrics: DataMetrics): Promise<DataSource> => openDataSource({ ...options, metrics }),
    },
    { provide: DATA_CLIENT, inject: [DATA_SOURCE], useFactory: (source: DataSource) => source.client },
    {
      provide: DATA_CACHE,
      inject: [DATA_MODULE_OPTIONS, DATA_METRICS],
      useFactory: (options: DataModuleOptions, metrics: DataMetrics): Cache =>
        createServiceCache({ topology: options.topology, service: options.service, registry: metrics.registry, ...options.cache }),
    },
    DataHealthIndicator,
  ],
  exports: [DATA_SOURCE, DATA_CLIENT, DATA_METRICS, DATA_CACHE, DataHealthIndicator],
})
export class DataModule extends ConfigurableDataModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly source: DataSource,
    @Inject(DATA_CACHE) private readonly cache: Cache,
  ) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.cache.close(), this.source.close()]);
  }
}
