import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import { ItemsModule } from './items/items.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const REPORTING_SERVICE = 'reporting';

export interface ReportingAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Where the `UseShardedDatabase.reporting.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: ReportingAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: REPORTING_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        ItemsModule,
        DataHealthModule,
      ],
    };
  }
}
