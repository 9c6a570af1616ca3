import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { createDataSource } from './create-data-source.js';
import { DataHealthIndicator } from './data-health.indicator.js';
import type { DataModuleOptions } from './data-module.options.js';
import type { DataSource } from './data-source.js';
import { ConfigurableDataModule, DATA_MODULE_OPTIONS } from './data.module-definition.js';
import { DATA_CLIENT, DATA_SOURCE } from './data.tokens.js';

/**
 * Gives a NestJS service its ready Prisma client, built from the declared topology.
 * Inject it with `@InjectDataClient()`; check its nodes with `DataHealthIndicator`.
 * On application shutdown (after the HTTP server stopped taking requests) the
 * client is disconnected and every pool ended, so the process exits with no open handle.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [DATA_MODULE_OPTIONS],
      useFactory: (options: DataModuleOptions): DataSource => createDataSource(options),
    },
    { provide: DATA_CLIENT, inject: [DATA_SOURCE], useFactory: (source: DataSource) => source.client },
    DataHealthIndicator,
  ],
  exports: [DATA_SOURCE, DATA_CLIENT, DataHealthIndicator],
})
export class DataModule extends ConfigurableDataModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly source: DataSource) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.source.close();
  }
}
