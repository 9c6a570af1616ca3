import { Module, type DynamicModule } from '@nestjs/common';
import type { DataFlagsOptions, ReplicaSetTuning, Topology } from '@neo/data';
import { DataHealthModule, DataMetricsModule, DataModule, type DataModuleOptions } from '@neo/data/nest';
import { FeedsModule } from './feeds/feeds.module.js';
import { PrismaClient } from './generated/prisma/client.js';

/** The name of this service in the topology. */
export const ORACLE_SERVICE = 'oracle';

export interface OracleAppConfig {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Per-node timeout of the health probe; the data module's default when absent. */
  healthTimeoutMs?: number;
  /** Replica-set overrides (breaker, sessions); the topology's `reads` settings otherwise. */
  replicaSet?: ReplicaSetTuning;
  /** Cache tuning (Redis key prefix...); the store and TTL come from the topology's `services.oracle.cache`. */
  cache?: DataModuleOptions['cache'];
  /** Where the `UseShardedDatabase.oracle.*` flags come from; the environment (`NEO_FLAGS`) when absent. */
  flags?: DataFlagsOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: OracleAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DataModule.forRoot({
          service: ORACLE_SERVICE,
          topology: config.topology,
          createClient: (adapter) => new PrismaClient({ adapter }),
          ...(config.healthTimeoutMs !== undefined ? { healthTimeoutMs: config.healthTimeoutMs } : {}),
          ...(config.replicaSet ? { replicaSet: config.replicaSet } : {}),
          ...(config.cache ? { cache: config.cache } : {}),
          ...(config.flags !== undefined ? { flags: config.flags } : {}),
          isGlobal: true,
        }),
        DataMetricsModule,
        FeedsModule,
        DataHealthModule,
      ],
    };
  }
}
