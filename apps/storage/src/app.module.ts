import { Module, type DynamicModule } from '@nestjs/common';
import { DataHealthModule, DataMetricsModule, DataModule } from '@neo/data/nest';
import type { DataFlagsOptions, Topology } from '@neo/data';
import { PrismaClient } from './generated/prisma/client.js';
import { ObjectsModule } from './objects/objects.module.js';

/** The name of this service in the topology. */
export const STORAGE_SERVICE = 'storage';

export interface StorageAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Per-node timeout of the health probe; the data module's default when absent. */
  healthTimeoutMs?: number;
  /** Where the `UseShardedDatabase.storage.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: StorageAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: STORAGE_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          healthTimeoutMs: config.healthTimeoutMs,
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        ObjectsModule,
        DataHealthModule,
      ],
    };
  }
}
